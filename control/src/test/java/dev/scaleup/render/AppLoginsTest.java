package dev.scaleup.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.topology.App;
import dev.scaleup.topology.Db;
import dev.scaleup.topology.Topology;
import dev.scaleup.topology.Web;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class AppLoginsTest {

    static final Topology T = Fixtures.defaultTopology();

    @Test
    void theAppAlternatesBetweenTheUserAndItsTwin() {
        assertThat(AppLogins.of(T)).containsExactly("app", "app_b");
        Secrets fresh = Fixtures.SECRETS;
        assertThat(AppLogins.current(T, fresh)).isEqualTo("app");
        assertThat(AppLogins.next(T, fresh)).isEqualTo("app_b");
        Secrets rotated = new Secrets("r", "p", "s", "k", "app_b");
        assertThat(AppLogins.current(T, rotated)).isEqualTo("app_b");
        assertThat(AppLogins.next(T, rotated)).isEqualTo("app");
    }

    @Test
    void theTwinOfALongNameStaysWithinPostgresLimit() {
        String name = "u".repeat(63);
        Topology t = Topology.defaults("x", Path.of("/s")).withWeb(new Web(1, 80)).withApp(new App(1, 8080, 64))
                .withDb(new Db(0, 5432, "app", name));
        assertThat(AppLogins.twin(t)).hasSize(63).endsWith("_b");
    }

    @Test
    void appPropertiesNameTheCurrentLoginAndPgHbaLetsBothInFromAppHostsOnly() {
        var app1 = Fixtures.host(T, "app1");
        Secrets rotated = new Secrets("r", "new-pass", "s", "k", "app_b");
        String props = AppProperties.render(T, app1, Fixtures.goldenPaths(app1), rotated).content();
        assertThat(props).contains("db.user=app_b\n").contains("db.password=new-pass\n");
        // with the pooler (the default) PgBouncer's hba lets both logins in from the app hosts
        assertThat(PgBouncerConfig.hba(T, Fixtures.host(T, "db1")).content()).contains(
                "host app app 198.18.0.41/32 scram-sha-256", "host app app_b 198.18.0.43/32 scram-sha-256");
        // without it PostgreSQL's own does
        Topology direct = Fixtures.noPoolerTopology();
        assertThat(PatroniConfig.pgHba(direct)).contains("host app app 198.18.0.41/32 scram-sha-256",
                "host app app_b 198.18.0.43/32 scram-sha-256");
        assertThat(PatroniConfig.pgHba(direct)).filteredOn(l -> l.contains(" app_b ")).hasSize(3)
                .allMatch(l -> l.matches("host app app_b 198\\.18\\.0\\.4[1-3]/32 scram-sha-256"));
    }
}
