package dev.scaleup.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleup.topology.App;
import dev.scaleup.topology.Db;
import dev.scaleup.topology.Edge;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Network;
import dev.scaleup.topology.Subnet;
import dev.scaleup.topology.Topology;
import dev.scaleup.topology.Web;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScalePlanTest {

    static final Topology DEFAULT = Topology.defaults("scaleup", Path.of("/srv/site"));

    @Test
    void parsesTierCounts() {
        assertThat(ScalePlan.parse(List.of("web=3", "app=5", "db.replicas=2")))
                .containsExactly(Map.entry("web", 3), Map.entry("app", 5), Map.entry("db.replicas", 2));
        assertThatThrownBy(() -> ScalePlan.parse(List.of("lb=3"))).isInstanceOf(RefusedException.class)
                .hasMessageContaining("unknown tier 'lb'").hasMessageContaining("fixed pair");
        assertThatThrownBy(() -> ScalePlan.parse(List.of("web=three"))).hasMessageContaining("web needs a count");
        assertThatThrownBy(() -> ScalePlan.parse(List.of("web=2", "web=3"))).hasMessageContaining("given twice");
        assertThatThrownBy(() -> ScalePlan.parse(List.of())).hasMessageContaining("say what to scale");
    }

    @Test
    void addsAndRemovesTheHighestNumberedHosts() {
        ScalePlan out = ScalePlan.of(DEFAULT, Map.of("web", 3, "app", 4, "db.replicas", 3));
        assertThat(out.added()).extracting(Host::name).containsExactlyInAnyOrder("web3", "app4", "db4");
        assertThat(out.removed()).isEmpty();
        ScalePlan in = ScalePlan.of(DEFAULT, Map.of("web", 1, "app", 1));
        assertThat(in.removed()).extracting(Host::name).containsExactlyInAnyOrder("web2", "app2", "app3");
        assertThat(in.target().web().count()).isEqualTo(1);
        assertThat(ScalePlan.of(DEFAULT, Map.of("web", 2)).changesNothing()).isTrue();
    }

    @Test
    void theTargetChangesOnlyTheCounts() {
        Topology custom = DEFAULT.withEdge(new Edge(8443, false, 100, 60, "shop.example", null, null))
                .withSource(Path.of("/etc/scaleup.yaml"));
        Topology target = ScalePlan.of(custom, Map.of("web", 3, "app", 4, "db.replicas", 3)).target();
        assertThat(List.of(target.web().count(), target.app().count(), target.db().replicas())).containsExactly(3, 4, 3);
        assertThat(target).as("the edge settings and the source are kept, not reset to the defaults")
                .usingRecursiveComparison().ignoringFields("web.count", "app.count", "db.replicas").isEqualTo(custom);
    }

    /** On servers a tier grows only onto hosts the file lists; shrinking needs nothing listed. */
    @Test
    void onServersRefusesToGrowOntoHostsNotListed() throws Exception {
        Path repo = java.nio.file.Files.isDirectory(Path.of("examples")) ? Path.of("").toAbsolutePath()
                : Path.of("..").toAbsolutePath().normalize();
        Topology servers = dev.scaleup.topology.TopologyLoader.parse(java.nio.file.Files.readString(
                repo.resolve("examples/hosts.yaml")), repo.resolve("examples"), repo, Path.of("hosts.yaml"), false);
        assertThat(servers.web().count()).isEqualTo(2);
        assertThat(servers.app().count()).isEqualTo(3);
        assertThatThrownBy(() -> ScalePlan.of(servers, Map.of("web", 3, "app", 5)))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("scale refused, nothing changed: web=3 needs web3, which the deployment's hosts do"
                        + " not list (web hosts listed: web1, web2); add it under 'hosts' in the topology file")
                .hasMessageContaining("app=5 needs app4, app5, which the deployment's hosts do not list (app hosts"
                        + " listed: app1, app2, app3); add them");
        ScalePlan in = ScalePlan.of(servers, Map.of("app", 2));
        assertThat(in.removed()).extracting(Host::name).containsExactly("app3");
        assertThat(in.target().hosts()).extracting(Host::address).contains(servers.hosts().get(0).address());
    }

    @Test
    void refusesCountsOutsideTheLimitsAndChangesNothing() {
        assertThatThrownBy(() -> ScalePlan.of(DEFAULT, Map.of("web", 0, "app", 40, "db.replicas", 0)))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("nothing changed")
                .hasMessageContaining("web must be between 1 and 19, got 0".replace(", got", " (the address plan's room), got"))
                .hasMessageContaining("app must be between 1 and 39")
                .hasMessageContaining("db.replicas must be between 2 and 8 (the etcd members are db1, db2, db3), got 0");
        Topology one = DEFAULT.withDb(Db.DEFAULTS.withReplicas(1));
        assertThatThrownBy(() -> ScalePlan.of(one, Map.of("db.replicas", 0)))
                .hasMessageContaining("synchronous replication needs a standby");
        assertThatThrownBy(() -> ScalePlan.of(DEFAULT, Map.of("db.replicas", 1)))
                .hasMessageContaining("db.replicas must be between 2 and 8 (the etcd members are db1, db2, db3), got 1");
    }

    @Test
    void refusesAChangeOfEtcdMembership() {
        Topology single = Topology.defaults("small", Path.of("/srv/site")).withNetwork(Network.in(Subnet.parse("198.18.1.0/24")))
                .withWeb(new Web(1, 80)).withApp(new App(1, 8080, 128)).withDb(Db.DEFAULTS.withReplicas(0));
        assertThat(ScalePlan.of(single, Map.of("db.replicas", 1)).added()).extracting(Host::name).containsExactly("db2");
        assertThatThrownBy(() -> ScalePlan.of(single, Map.of("db.replicas", 2)))
                .hasMessageContaining("etcd members would change from db1 to db1, db2, db3");
    }
}
