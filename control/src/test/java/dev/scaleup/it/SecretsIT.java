package dev.scaleup.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.runtime.Exec;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Secrets: none leaks, the files that hold them are the owner's, PostgreSQL takes SCRAM only and each login only from
 * the hosts that need it, the app's password rotates under load (the shared secit stack; docs/SECURITY.md). The
 * rotation leaves new values behind, which the other tests read afresh; everything else is put back.
 */
class SecretsIT {

    @RegisterExtension
    static final TestStack STACK = TestStack.SECIT;

    private final Topology topology = STACK.topology();
    private final StackSecrets stackSecrets = new StackSecrets(STACK);

    @Test
    void noSecretInOutputLogsStatusWorldReadableFilesOrCommandLines() throws Exception {
        List<String> outputs = new ArrayList<>();
        outputs.add(STACK.firstUp().out() + STACK.firstUp().err());
        outputs.add(STACK.cli("status", "--json").out());
        outputs.add(STACK.cli("status").out());
        stackSecrets.assertNoLeak(stackSecrets.all(), outputs);
    }

    @Test
    void filesHoldingSecretsAreOnlyReadableByTheirOwner() throws Exception {
        Path root = STACK.real();
        Map<String, String> secrets = stackSecrets.all();
        List<Path> files = new ArrayList<>(List.of(root.resolve("secrets.properties")));
        for (Host app : topology.hosts(Role.APP)) {
            Path props = root.resolve("hosts/" + app.name() + "/conf/app.properties");
            assertThat(Files.readString(props)).contains(secrets.get("app.db.password"), secrets.get("app.token.key"));
            files.add(props);
        }
        for (Host db : topology.hosts(Role.DB)) {
            Path patroni = root.resolve("hosts/" + db.name() + "/conf/patroni.yml");
            assertThat(Files.readString(patroni)).contains(secrets.get("replication.password"), secrets.get("superuser.password"));
            files.add(patroni);
            files.add(root.resolve("hosts/" + db.name() + "/conf/bootstrap.sql"));
            Path pgpass = root.resolve("hosts/" + db.name() + "/run/pgpass"); // Patroni's, once it needed one
            if (Files.exists(pgpass)) {
                files.add(pgpass);
            }
        }
        for (Path file : files) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .as(root.relativize(file).toString()).isEqualTo("rw-------");
        }
    }

    @Test
    void postgresTakesOnlyScramAndEachUserOnlyFromTheHostsThatNeedIt() throws Exception {
        Host primary = STACK.primary();
        assertThat(psqlSocket(primary, "SHOW password_encryption")).isEqualTo("scram-sha-256");
        // local scram-sha-256: PgBouncer's connections over the socket, for the app's logins, with the client's proof
        assertThat(psqlSocket(primary, "SELECT string_agg(DISTINCT type || ':' || auth_method, ',' ORDER BY type || ':'"
                + " || auth_method) FROM pg_hba_file_rules")).isEqualTo("host:scram-sha-256,local:peer,local:scram-sha-256");
        assertThat(psqlSocket(primary, "SELECT string_agg(DISTINCT array_to_string(user_name, ','), ',' ORDER BY array_to_string(user_name, ',')) FROM"
                + " pg_hba_file_rules WHERE type = 'local' AND auth_method = 'scram-sha-256'"))
                .as("only the app's logins, through PgBouncer").isEqualTo(String.join(",",
                        new java.util.TreeSet<>(dev.scaleup.render.AppLogins.of(topology))));
        assertThat(psqlSocket(primary, "SELECT count(*) FROM pg_authid WHERE rolpassword IS NOT NULL"
                + " AND rolpassword NOT LIKE 'SCRAM-SHA-256$%'")).as("only SCRAM verifiers stored").isEqualTo("0");

        Map<String, String> secrets = stackSecrets.all();
        String login = stackSecrets.appLogin();
        String appPassword = secrets.get("app.db.password");
        String db = topology.db().name();
        Host replica = topology.hosts(Role.DB).stream().filter(h -> !h.equals(primary)).findFirst().orElseThrow();
        // the app servers' port: PgBouncer's (db.pooler, the default), which checks the login against PostgreSQL's
        // SCRAM secret and lets in the app's logins from app hosts only (pgbouncer_hba.conf)
        int app = topology.db().appPort();
        assertThat(app).isEqualTo(dev.scaleup.topology.Db.POOLER_PORT);
        assertThat(psqlFrom("app2", primary, app, login, appPassword, db)).as("the app's login from an app host")
                .isEqualTo(topology.db().user());
        assertThat(psqlFrom("app2", primary, app, login, "wrong-" + appPassword, db)).contains("authentication failed");
        assertThat(psqlFrom("app2", primary, app, "replicator", secrets.get("replication.password"), "postgres"))
                .as("replication role from an app host").contains("login rejected");
        assertThat(psqlFrom("app2", primary, app, "postgres", secrets.get("superuser.password"), "postgres"))
                .as("superuser from an app host").contains("login rejected");
        // PostgreSQL itself, which the other db hosts reach: not the app's login from there
        assertThat(psqlFrom(replica.name(), primary, topology.db().port(), login, appPassword, db))
                .as("the app's login from a db host").contains("no pg_hba.conf entry");
        // a web host: the firewall drops it first; with the firewall opened for it, PgBouncer still refuses it
        assertThat(psqlFrom("web1", primary, app, login, appPassword, db)).contains("timeout expired");
        String ns = topology.name() + "-" + primary.name();
        Exec.run(List.of("ip", "netns", "exec", ns, "nft", "insert", "rule", "inet", "scaleup", "input", "ip", "saddr",
                topology.host("web1").orElseThrow().address().toString(), "tcp", "dport",
                Integer.toString(app), "accept")).orThrow();
        try {
            assertThat(psqlFrom("web1", primary, app, login, appPassword, db)).as("the app's login from a web host")
                    .contains("login rejected");
            Cli.Run status = STACK.cli("status");
            assertThat(status.out()).as("a rule added by hand is noticed").containsPattern(primary.name() + " .*firewall STALE");
        } finally {
            Cli.Run up = STACK.up();
            assertThat(up.exitCode()).as(up.err()).isZero();
            assertThat(up.out()).contains(primary.name() + ": reloaded its firewall");
        }
        assertThat(psqlFrom("web1", primary, app, login, appPassword, db)).contains("timeout expired");
    }

    @Test
    void rotatingTheAppDatabasePasswordFailsNoRequest() throws Exception {
        Map<String, String> before = stackSecrets.all();
        String oldLogin = stackSecrets.appLogin();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger done = new AtomicInteger();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        Cli.Run rotate;
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            // a small closed loop: 4 clients, reads and writes through the VIP, 50 ms apart
            for (int c = 0; c < 4; c++) {
                executor.submit(() -> {
                    while (!stop.get()) {
                        try {
                            var read = STACK.get("/api/info");
                            if (read.statusCode() != 200) {
                                failures.add("GET /api/info " + read.statusCode() + " " + read.body());
                            }
                            // writes carry an Idempotency-Key, the stack's contract for a write that may be sent
                            // again (HAProxy and nginx retry it on a connection that closed under it, e.g. a
                            // keep-alive connection of an nginx worker that a reload retired)
                            var write = STACK.https().send(HttpRequest.newBuilder(URI.create(STACK.site("/api/visits")))
                                    .timeout(Duration.ofSeconds(5))
                                    .header("Idempotency-Key", "rotation-" + UUID.randomUUID())
                                    .POST(HttpRequest.BodyPublishers.noBody()).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (write.statusCode() != 201) {
                                failures.add("POST /api/visits " + write.statusCode() + " " + write.body());
                            }
                            done.addAndGet(2);
                            Thread.sleep(50);
                        } catch (Exception e) {
                            failures.add(e.toString());
                        }
                    }
                    return null;
                });
            }
            Thread.sleep(1000);
            rotate = STACK.cli("secrets", "rotate", "app-db");
            Thread.sleep(1000);
            stop.set(true);
        }
        System.out.println("during the rotation: " + done.get() + " requests, " + failures.size() + " failed " + failures);
        assertThat(rotate.exitCode()).as(rotate.err()).isZero();
        assertThat(failures).isEmpty();
        assertThat(done.get()).isGreaterThan(100);

        Map<String, String> after = stackSecrets.all();
        String newLogin = stackSecrets.appLogin();
        assertThat(newLogin).isNotEqualTo(oldLogin);
        assertThat(after.get("app.db.password")).isNotEqualTo(before.get("app.db.password"));
        assertThat(rotate.out()).contains("every app server logs in as " + newLogin)
                .contains("removed the password of " + oldLogin);
        Host primary = STACK.primary();
        for (Host db : topology.hosts(Role.DB)) {
            // through each db host's PgBouncer, which asks its PostgreSQL for the login's secret
            int app = topology.db().appPort();
            assertThat(psqlFrom("app1", db, app, newLogin, after.get("app.db.password"), topology.db().name()))
                    .as(db.name()).isEqualTo(topology.db().user());
            assertThat(psqlFrom("app1", db, app, oldLogin, before.get("app.db.password"), topology.db().name()))
                    .as("the old password on " + db.name()).contains("authentication failed");
        }
        for (Host app : topology.hosts(Role.APP)) {
            assertThat(Files.readString(STACK.real().resolve("hosts/" + app.name() + "/conf/app.properties")))
                    .contains("db.user=" + newLogin + "\n");
        }
        Cli.Run up = STACK.up();
        assertThat(up.out()).contains("nothing to do");
        Map<String, String> all = new TreeMap<>(after);
        all.put("old app.db.password", before.get("app.db.password"));
        stackSecrets.assertNoLeak(all, List.of(rotate.out() + rotate.err(), up.out(), STACK.cli("status", "--json").out()));
        assertThat(primary).isNotNull();
    }

    /** A query as postgres over the db host's unix socket. */
    private static String psqlSocket(Host db, String sql) {
        return STACK.psql(db, "postgres", sql).orThrow().stdout().strip();
    }

    /** psql over TCP from a host's namespace to a db host's port: current_user, or the error. */
    private static String psqlFrom(String fromHost, Host db, int port, String user, String password, String database)
            throws Exception {
        return STACK.psqlFrom(fromHost, db, port, user, password, database);
    }
}
