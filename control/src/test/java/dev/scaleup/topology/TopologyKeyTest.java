package dev.scaleup.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.topology.TopologyKey.Section;
import dev.scaleup.topology.TopologyKey.Shape;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The key registry: the allowed keys of each mapping, defaults that fit their own shape, synonyms. */
class TopologyKeyTest {

    @Test
    void theTopLevelListsItsKeysAndTheSectionsInDocumentationOrder() {
        assertThat(Section.TOP.allowed()).containsExactly("name", "target", "network", "ssh", "hosts", "lb", "web", "app",
                "db", "backup", "monitoring", "site");
        assertThat(Section.NETWORK.allowed()).containsExactly("subnet", "vip", "interface");
        assertThat(Section.SSH.allowed()).containsExactly("user", "port", "key", "sudo", "known_hosts");
        assertThat(Section.HOST.allowed()).containsExactly("address", "ssh_user", "ssh_port", "ssh_key", "sudo");
        assertThat(Section.LB.allowed()).containsExactly("count", "port", "threads", "https_port", "https_redirect",
                "rate_limit_per_10s", "auth_rate_limit_per_10s", "tls_name", "tls_cert", "tls_key");
        assertThat(Section.WEB.allowed()).containsExactly("count", "port");
        assertThat(Section.APP.allowed()).containsExactly("count", "port", "heap_mb");
        assertThat(Section.DB.allowed()).containsExactly("replicas", "port", "name", "user", "pooler");
        assertThat(Section.BACKUP.allowed()).containsExactly("enabled", "retention_full", "archive_timeout",
                "full_every_minutes", "incr_every_minutes");
        assertThat(Section.MONITORING.allowed()).containsExactly("enabled", "scrape_interval");
    }

    @Test
    void pathsAreDottedBelowTheTopLevel() {
        assertThat(TopologyKey.NAME.path()).isEqualTo("name");
        assertThat(TopologyKey.APP_HEAP_MB.path()).isEqualTo("app.heap_mb");
        assertThat(Section.byPath("db")).contains(Section.DB);
        assertThat(Section.byPath("")).contains(Section.TOP);
        assertThat(Section.byPath("backup")).contains(Section.BACKUP);
        assertThat(Section.byPath("monitoring")).contains(Section.MONITORING);
        assertThat(Section.byPath("alerts")).isEmpty();
    }

    @Test
    void everyDefaultFitsItsOwnShape() {
        for (TopologyKey key : TopologyKey.values()) {
            if (key.section() == Section.HOST && key != TopologyKey.HOST_ADDRESS) {
                // a host's own ssh settings have no default of their own: the ssh section's apply
                assertThat(key.defaultText()).as(key.path()).isNull();
                continue;
            }
            switch (key.shape()) {
                case Shape.IntRange range -> assertThat(key.defaultInt()).as(key.path()).isBetween(range.min(), range.max());
                case Shape.Bool b -> assertThat(key.defaultText()).as(key.path()).isIn("true", "false");
                case Shape.Text text -> {
                    if (key.defaultText() != null) {
                        assertThat(key.defaultText()).as(key.path()).matches(text.pattern());
                    }
                }
                case Shape.File f -> assertThat(key.defaultText()).as(key.path()).isNull();
                case Shape.Custom c -> { }
            }
        }
    }

    @Test
    void theSectionsDefaultsAreTheRegistrys() {
        Topology t = Topology.defaults("shop", Path.of("/srv/site"));
        assertThat(t.network()).isEqualTo(new Network(Subnet.parse("198.18.0.0/24"), Ipv4.parse("198.18.0.100")));
        assertThat(t.lb()).isEqualTo(new Lb(2, 80, 1, new Edge(443, true, 0, 30, "shop.test", null, null)));
        assertThat(t.web()).isEqualTo(new Web(2, 80));
        assertThat(t.app()).isEqualTo(new App(3, 8080, 128));
        assertThat(t.db()).isEqualTo(new Db(2, 5432, "app", "app", true));
    }

    @Test
    void synonymsAreFoundByTheirDottedPathNormalized() {
        assertThat(TopologyKey.synonym("db.count")).contains(TopologyKey.DB_REPLICAS);
        assertThat(TopologyKey.synonym("db.Replica_Count")).contains(TopologyKey.DB_REPLICAS);
        assertThat(TopologyKey.synonym("network.cidr")).contains(TopologyKey.NETWORK_SUBNET);
        assertThat(TopologyKey.synonym("app.xmx")).contains(TopologyKey.APP_HEAP_MB);
        assertThat(TopologyKey.synonym("web.count")).isEmpty();
        assertThat(TopologyKey.synonym("count")).isEmpty();
    }
}
