package dev.scaleup.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scaleup.render.PgBouncerConfig;
import dev.scaleup.runtime.Exec;
import dev.scaleup.topology.Db;
import dev.scaleup.topology.Host;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code db.pooler: true}: the app servers reach PostgreSQL only through the PgBouncer beside it, PostgreSQL sees no
 * more connections than PgBouncer's pool, and a failover through the poolers loses no acknowledged write
 * (docs/BENCHMARKS.md "The connection pooler").
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PoolerIT {

    @RegisterExtension
    static final TestStack STACK = TestStack.POOLIT;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    @Order(1)
    void theAppReachesPostgresOnlyThroughPgBouncer() throws Exception {
        String properties = Files.readString(STACK.real().resolve("hosts/app1/conf/app.properties"));
        assertThat(properties).contains(":" + Db.POOLER_PORT + ",").contains("db.pooled=true");

        Host primary = STACK.primary();
        String db = STACK.topology().db().name();
        // the app's backends: every one PgBouncer's (over the socket, so no client address), at most its pool
        String backends = STACK.psql(primary, "postgres", appBackends(db)).orThrow().stdout().strip();
        String[] counts = backends.split(" ");
        assertThat(Integer.parseInt(counts[0])).as("local backends of the app (through PgBouncer)").isPositive()
                .isLessThanOrEqualTo(PgBouncerConfig.POOL_SIZE);
        assertThat(counts[1]).as("backends of the app connected over TCP (directly)").isEqualTo("0");

        // PgBouncer's admin console: the app servers are its clients
        Exec.Result pools = STACK.psql(primary, Db.POOLER_PORT, "pgbouncer", "SHOW POOLS");
        assertThat(pools.ok()).as(pools.stderr()).isTrue();
        String appPool = pools.stdout().lines().filter(l -> l.startsWith(db + "|" + STACK.topology().db().user() + "|"))
                .findFirst().orElseThrow(() -> new AssertionError("no pool of the app in SHOW POOLS:\n" + pools.stdout()));
        // SHOW POOLS: database user cl_active cl_waiting ...; an app server's primary pool keeps 2 connections open,
        // less for a moment while HikariCP replaces one that reached its lifetime (120 s): at least one each
        int active = Integer.parseInt(appPool.split("\\|")[2]);
        System.out.println("PgBouncer on " + primary.name() + ": " + appPool + "; PostgreSQL backends of the app: "
                + counts[0]);
        assertThat(active).as("PgBouncer's clients of the app's pool (cl_active): " + appPool)
                .isGreaterThanOrEqualTo(STACK.topology().app().count());

        // PgBouncer's own login (the OS user postgres mapped to it) reads the app logins' secrets, nothing else
        int port = STACK.topology().db().port();
        Exec.Result auth = STACK.psqlAs(primary, port, PgBouncerConfig.AUTH_USER, db, List.of(
                "SELECT count(*) FROM " + PgBouncerConfig.LOOKUP + "('" + STACK.topology().db().user()
                        + "') WHERE passwd LIKE 'SCRAM-SHA-256$%'",
                "SELECT count(*) FROM " + PgBouncerConfig.LOOKUP + "('postgres')",
                "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"));
        assertThat(auth.ok()).as(auth.stderr()).isTrue();
        assertThat(auth.stdout().lines().toList()).as("the app login's secret, none of postgres, not a superuser")
                .containsExactly("1", "0", "f");
        Exec.Result shadow = STACK.psqlAs(primary, port, PgBouncerConfig.AUTH_USER, db,
                List.of("SELECT count(*) FROM pg_shadow"));
        assertThat(shadow.ok()).as("pg_shadow read by " + PgBouncerConfig.AUTH_USER).isFalse();
        assertThat(shadow.stderr()).contains("permission denied");
    }

    /** The app's backends in the database: "<over the socket> <over TCP>" (PgBouncer's come over the socket). */
    static String appBackends(String db) {
        return "SELECT count(*) FILTER (WHERE client_addr IS NULL) || ' ' || count(*) FILTER (WHERE client_addr IS NOT"
                + " NULL) FROM pg_stat_activity WHERE datname = '" + db + "' AND application_name LIKE 'app@%'";
    }

    /**
     * The primary's host is lost: Patroni promotes the synchronous standby, whose PgBouncer must stop telling new
     * clients "standby" (the saved in_hot_standby, dropped by Patroni's on_role_change), so that the app servers find
     * it. Every acknowledged write survives and writes resume within the drill's limit.
     */
    @Test
    @Order(2)
    void aFailoverThroughThePoolersLosesNoWriteAndWritesResume() throws Exception {
        Cli.Run run = STACK.cli("drill", "db-primary-kill", "--json", "--clients", "8", "--users", "10", "--seconds",
                "24");
        JsonNode report = JSON.readTree(run.out());
        String what = report.path("checks") + " " + report.path("error") + "\n" + run.err();
        System.out.println("db-primary-kill through PgBouncer: " + report.path("failover"));
        assertThat(report.path("data").path("lost").asLong()).as(what).isZero();
        assertThat(report.path("data").path("duplicated").asLong()).as(what).isZero();
        assertThat(report.path("data").path("acknowledged").asLong()).as(what).isPositive();
        assertThat(report.path("recovery").path("healthy_again").asBoolean()).as(what).isTrue();
        assertThat(report.path("passed").asBoolean()).as(what).isTrue();
        assertThat(run.exitCode()).as(what).isZero();
    }

    /**
     * A rotation of the app's database password: PgBouncer reads each login's secret from PostgreSQL, so the app
     * servers move to the other login without a change to PgBouncer, and the old login is refused through it.
     */
    @Test
    @Order(3)
    void theAppsPasswordRotatesThroughThePoolers() throws Exception {
        StackSecrets secrets = new StackSecrets(STACK);
        String oldLogin = secrets.appLogin();
        String oldPassword = secrets.all().get("app.db.password");
        Cli.Run rotate = STACK.cli("secrets", "rotate", "app-db");
        assertThat(rotate.exitCode()).as(rotate.err()).isZero();
        String newLogin = secrets.appLogin();
        assertThat(newLogin).isNotEqualTo(oldLogin);

        Host primary = STACK.primary();
        String db = STACK.topology().db().name();
        String newPassword = secrets.all().get("app.db.password");
        assertThat(STACK.psqlFrom("app2", primary, Db.POOLER_PORT, newLogin, newPassword, db)).as("the new login")
                .isEqualTo(STACK.topology().db().user());
        assertThat(STACK.psqlFrom("app2", primary, Db.POOLER_PORT, oldLogin, oldPassword, db))
                .as("the old login, through PgBouncer")
                .contains("authentication failed");
        Cli.Run status = STACK.cli("status");
        assertThat(status.exitCode()).as(status.out()).isZero();
    }

    /**
     * PgBouncer on the primary dies (SIGKILL) under the drill's load: on netns its keeper ({@code ops.PoolerKeeper})
     * starts it again a second later, as systemd does on servers, and writes resume before the drill's restore, with
     * no acknowledged write lost and the primary still the primary.
     */
    @Test
    @Order(4)
    void aPgBouncerThatDiesIsStartedAgainByItsKeeper() throws Exception {
        Host primary = STACK.primary();
        String key = primary.name() + "/" + PgBouncerConfig.PROCESS;
        java.util.Map<String, Long> before = STACK.pids();
        assertThat(before).containsKey(primary.name() + "/pgbouncer-keeper").containsKey(key);
        long old = before.get(key);

        Cli.Run run = STACK.cli("drill", "pooler-crash", "--json", "--clients", "8", "--users", "10");
        JsonNode report = JSON.readTree(run.out());
        String what = report.path("checks") + " " + report.path("error") + "\n" + run.err();
        System.out.println("pooler-crash: " + report.path("recovery"));
        assertThat(report.path("data").path("lost").asLong()).as(what).isZero();
        assertThat(report.path("data").path("acknowledged").asLong()).as(what).isPositive();
        assertThat(report.path("passed").asBoolean()).as(what).isTrue();
        assertThat(run.exitCode()).as(what).isZero();

        assertThat(STACK.primary()).as("no failover").isEqualTo(primary);
        assertThat(STACK.pids().getOrDefault(key, 0L)).as("a new PgBouncer").isPositive().isNotEqualTo(old);
        String log = Files.readString(STACK.real().resolve("hosts/" + primary.name() + "/logs/pgbouncer.log"));
        assertThat(log).as("the keeper started it, not the drill's up")
                .contains("pgbouncer-keeper: /usr/sbin/pgbouncer (pid " + old + ") exited with status 137");
    }

    /**
     * {@code db.pooler} turned off and on again on the running stack: the app servers move one at a time while the db
     * hosts let them in on both ports, then the final rules load; turned off, PgBouncer and its keeper stop.
     */
    @Test
    @Order(5)
    void thePoolerTurnsOffAndOnAgainOnTheRunningStack() throws Exception {
        java.nio.file.Path off = STACK.file().resolveSibling("poolit-off.yaml");
        String original = Files.readString(STACK.file());
        assertThat(original).contains("pooler: true");
        Files.writeString(off, original.replace("pooler: true", "pooler: false"));
        Cli.Run down = STACK.cli("up", "-f", off.toString());
        try {
            assertThat(down.exitCode()).as(down.err()).isZero();
            assertThat(down.out() + down.err()).contains("app hosts may also reach port " + Db.POOLER_PORT + " until every app server"
                    + " has moved (db.pooler turned off)").contains("db.pooler is off: pgbouncer-keeper");
            assertThat(STACK.pids().keySet()).noneMatch(k -> k.contains("pgbouncer"));
            String db = STACK.topology().db().name();
            String[] counts = STACK.psql(STACK.primary(), "postgres", appBackends(db)).orThrow().stdout().strip()
                    .split(" ");
            assertThat(Integer.parseInt(counts[1])).as("the app's backends over TCP, now directly").isPositive();
            Cli.Run status = STACK.cli("status");
            assertThat(status.exitCode()).as(status.out()).isZero();
        } finally {
            Cli.Run on = STACK.up();
            assertThat(on.exitCode()).as(on.err()).isZero();
            assertThat(on.out() + on.err()).contains("app hosts may also reach port " + STACK.topology().db().port()
                    + " until every app server has moved (db.pooler turned on)");
        }
        assertThat(STACK.pids().keySet()).anyMatch(k -> k.endsWith("/pgbouncer")).anyMatch(k -> k.endsWith("/pgbouncer-keeper"));
        Cli.Run status = STACK.cli("status");
        assertThat(status.exitCode()).as(status.out()).isZero();
    }
}
