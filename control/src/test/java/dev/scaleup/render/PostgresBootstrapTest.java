package dev.scaleup.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.topology.App;
import dev.scaleup.topology.Db;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Network;
import dev.scaleup.topology.Subnet;
import dev.scaleup.topology.Topology;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real PostgreSQL 15 started the way the runtime will ({@code postgres -c config_file=<conf>/postgresql.conf} as the
 * postgres user) from the rendered postgresql.conf, pg_hba.conf and pg_ident.conf; bootstrap.sql run with psql as the
 * runtime will, twice (idempotent), then again with new secrets (passwords converge), and the app's role logs in over
 * TCP with SCRAM against the verifier bootstrap.sql set. Names and passwords are chosen to need quoting (passwords
 * are printable ASCII without spaces, like the generated ones: {@link ScramVerifier} takes only those). The db host
 * listens on 127.0.0.81 (the topology uses 127.0.0.0/24 here), so no namespace is needed.
 */
class PostgresBootstrapTest {

    static final Secrets NASTY = new Secrets("it's-a-\\-\"test\"-:foo-:'bar'-${x}-;--", "app';DROP-ROLE-postgres;--", "super", "k");
    static final Secrets ROTATED = new Secrets("second-repl-secret", "second-app-secret", "super", "k");

    @TempDir
    Path tmp;

    @Test
    void bootstrapCreatesRolesAndDatabaseIdempotently() throws Exception {
        Tools.requireRoot("PostgreSQL runs as the postgres user (runuser)");
        String runuser = Tools.require("runuser");
        Path bin = Path.of(Tools.require("postgres")).toRealPath().getParent();
        if (Tools.run(List.of("id", "-u", "postgres")).exitCode() != 0) {
            Tools.unavailable("there is no postgres user");
        }

        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.81"))) {
            port = probe.getLocalPort();
        }
        Topology t = Topology.defaults("pg-test", Path.of("/srv/site")).withNetwork(Network.in(Subnet.parse("127.0.0.0/24")))
                .withApp(new App(2, 8080, 128)).withDb(new Db(1, port, "app-db", "App User"));
        Host db1 = Fixtures.host(t, "db1");
        HostPaths paths = new HostPaths(tmp.resolve("hosts/db1"));
        Tools.install(paths, Renderers.forHost(t, db1, paths, NASTY));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        run(List.of("chown", "-R", "postgres:postgres", tmp.resolve("hosts").toString()));

        Path pgdata = paths.data().resolve("pgdata");
        // Patroni writes pg_hba.conf from patroni.yml's pg_hba list: the same lines, in a file of their own here
        Path hba = paths.conf("pg_hba.conf");
        Files.writeString(hba, String.join("\n", PatroniConfig.pgHba(t)) + "\n");
        run(List.of("chown", "postgres:postgres", hba.toString()));
        asPostgres(runuser, bin.resolve("initdb").toString(), "-D", pgdata.toString(), "-U", "postgres",
                "--auth-local=peer", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-instructions");

        Path serverLog = paths.log("postgres");
        Process server = new ProcessBuilder(runuser, "-u", "postgres", "--",
                bin.resolve("postgres").toString(), "-D", pgdata.toString(), "-c", "listen_addresses=127.0.0.81",
                "-c", "port=" + port, "-c", "unix_socket_directories=" + paths.run(), "-c", "hba_file=" + hba,
                "-c", "cluster_name=pg-test-db1", "-c", "wal_level=replica")
                .redirectErrorStream(true)
                .redirectOutput(serverLog.toFile())
                .start();
        try {
            awaitReady(runuser, bin, paths, port, server, serverLog);

            List<String> bootstrap = List.of(bin.resolve("psql").toString(), "-X", "-v", "ON_ERROR_STOP=1",
                    "-h", paths.run().toString(), "-p", String.valueOf(port), "-U", "postgres", "-d", "postgres",
                    "-f", paths.conf(BootstrapSql.FILE).toString());
            asPostgres(runuser, bootstrap.toArray(String[]::new));
            asPostgres(runuser, bootstrap.toArray(String[]::new)); // idempotent

            assertThat(query(runuser, bin, paths, port,
                    "SELECT rolname || ' ' || rolcanlogin || ' ' || rolreplication || ' ' || rolsuper FROM pg_roles"
                            + " WHERE rolname IN ('replicator', 'App User') ORDER BY rolname"))
                    .isEqualTo("App User true false false\nreplicator true true false");
            assertThat(query(runuser, bin, paths, port,
                    "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'app-db'")).isEqualTo("App User");
            assertScram(runuser, bin, paths, port, "replicator", NASTY.replicationPassword());
            assertScram(runuser, bin, paths, port, "App User", NASTY.appDbPassword());
            // the server stored the rendered verifier as it is: it was given no password to hash
            assertThat(query(runuser, bin, paths, port, "SELECT rolpassword FROM pg_authid WHERE rolname = 'App User'"))
                    .isEqualTo(BootstrapSql.verifier("App User", NASTY.appDbPassword()));

            // the server runs with the rendered settings and pg_hba.conf parses as intended
            assertThat(query(runuser, bin, paths, port, "SHOW hba_file")).isEqualTo(hba.toString());
            assertThat(query(runuser, bin, paths, port, "SHOW cluster_name")).isEqualTo("pg-test-db1");
            assertThat(query(runuser, bin, paths, port, "SHOW wal_level")).isEqualTo("replica");
            assertThat(query(runuser, bin, paths, port,
                    "SELECT count(*) FROM pg_hba_file_rules WHERE error IS NOT NULL")).isEqualTo("0");
            assertThat(query(runuser, bin, paths, port,
                    "SELECT type || ' ' || array_to_string(database, ',') || ' ' || array_to_string(user_name, ',') || ' '"
                            + " || coalesce(address, '-') || ' ' || auth_method FROM pg_hba_file_rules ORDER BY line_number"))
                    .isEqualTo(String.join("\n",
                            "local all postgres - peer",
                            "local postgres prometheus - peer",
                            "host all postgres 127.0.0.81 scram-sha-256",
                            "host replication replicator 127.0.0.81 scram-sha-256",
                            "host all postgres 127.0.0.82 scram-sha-256",
                            "host replication replicator 127.0.0.82 scram-sha-256",
                            "host app-db App User 127.0.0.41 scram-sha-256",
                            "host app-db App User 127.0.0.42 scram-sha-256",
                            "host app-db App User_b 127.0.0.41 scram-sha-256",
                            "host app-db App User_b 127.0.0.42 scram-sha-256"));

            // the app's role logs in over TCP with SCRAM against the verifier (from this host's loopback address: a
            // pg_hba line of its own)
            Files.writeString(hba, "host app-db \"App User\" 127.0.0.1/32 scram-sha-256\n", StandardOpenOption.APPEND);
            query(runuser, bin, paths, port, "SELECT pg_reload_conf()");
            assertThat(appLogin(bin, port, NASTY.appDbPassword())).isEqualTo("App User");
            assertThat(appLogin(bin, port, "wrong")).contains("password authentication failed");

            // new secrets: a rerun converges the passwords
            Files.writeString(paths.conf(BootstrapSql.FILE), BootstrapSql.render(t, db1, paths, ROTATED).content());
            asPostgres(runuser, bootstrap.toArray(String[]::new));
            assertScram(runuser, bin, paths, port, "replicator", ROTATED.replicationPassword());
            assertScram(runuser, bin, paths, port, "App User", ROTATED.appDbPassword());
            assertThat(appLogin(bin, port, ROTATED.appDbPassword())).isEqualTo("App User");
            assertThat(appLogin(bin, port, NASTY.appDbPassword())).contains("password authentication failed");
        } finally {
            Tools.run(List.of(runuser, "-u", "postgres", "--", bin.resolve("pg_ctl").toString(),
                    "stop", "-D", pgdata.toString(), "-m", "fast", "-w"));
            if (!server.waitFor(20, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    /** {@code current_user} of a TCP login as "App User" with this password (from a 0600 passfile), or psql's error. */
    private String appLogin(Path bin, int port, String password) throws IOException {
        Path passfile = tmp.resolve("pgpass");
        Files.writeString(passfile, "*:*:*:*:" + password.replace("\\", "\\\\").replace(":", "\\:") + "\n");
        Files.setPosixFilePermissions(passfile, PosixFilePermissions.fromString("rw-------"));
        return Tools.run(List.of("env", "PGPASSFILE=" + passfile, bin.resolve("psql").toString(), "-X", "-At", "-w",
                "host=127.0.0.81 port=" + port + " user='App User' dbname=app-db sslmode=disable",
                "-c", "SELECT current_user")).output().strip();
    }

    private static void awaitReady(String runuser, Path bin, HostPaths paths, int port, Process server, Path serverLog)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new AssertionError("postgres exited with " + server.exitValue() + ":\n" + Files.readString(serverLog));
            }
            Tools.Result ready = Tools.run(List.of(runuser, "-u", "postgres", "--", bin.resolve("pg_isready").toString(),
                    "-h", paths.run().toString(), "-p", String.valueOf(port)));
            if (ready.exitCode() == 0) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("postgres not ready after 30 s:\n" + Files.readString(serverLog));
    }

    private static String query(String runuser, Path bin, HostPaths paths, int port, String sql) {
        return asPostgres(runuser, bin.resolve("psql").toString(), "-X", "-At", "-v", "ON_ERROR_STOP=1",
                "-h", paths.run().toString(), "-p", String.valueOf(port), "-U", "postgres", "-d", "postgres",
                "-c", sql).strip();
    }

    /** The stored SCRAM verifier of the role matches the password (so the SQL literal carried it unchanged). */
    private static void assertScram(String runuser, Path bin, HostPaths paths, int port, String role, String password)
            throws GeneralSecurityException {
        String verifier = query(runuser, bin, paths, port,
                "SELECT rolpassword FROM pg_authid WHERE rolname = '" + role.replace("'", "''") + "'");
        // SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>
        String[] parts = verifier.split("[$:]");
        assertThat(parts).as("verifier of %s: %s", role, verifier).hasSize(5);
        assertThat(parts[0]).isEqualTo("SCRAM-SHA-256");
        byte[] salted = pbkdf2(password.getBytes(StandardCharsets.UTF_8), Base64.getDecoder().decode(parts[2]),
                Integer.parseInt(parts[1]));
        byte[] serverKey = hmac(salted, "Server Key".getBytes(StandardCharsets.UTF_8));
        byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(hmac(salted, "Client Key".getBytes(StandardCharsets.UTF_8)));
        assertThat(Base64.getEncoder().encodeToString(storedKey)).as("StoredKey of %s", role).isEqualTo(parts[3]);
        assertThat(Base64.getEncoder().encodeToString(serverKey)).as("ServerKey of %s", role).isEqualTo(parts[4]);
    }

    private static byte[] pbkdf2(byte[] password, byte[] salt, int iterations) throws GeneralSecurityException {
        byte[] block = new byte[salt.length + 4];
        System.arraycopy(salt, 0, block, 0, salt.length);
        block[block.length - 1] = 1;
        byte[] u = hmac(password, block);
        byte[] result = u.clone();
        for (int i = 1; i < iterations; i++) {
            u = hmac(password, u);
            for (int j = 0; j < result.length; j++) {
                result[j] ^= u[j];
            }
        }
        return result;
    }

    private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    private static String asPostgres(String runuser, String... argv) {
        List<String> command = new ArrayList<>(List.of(runuser, "-u", "postgres", "--"));
        command.addAll(List.of(argv));
        return run(command);
    }

    private static String run(List<String> argv) {
        Tools.Result result = Tools.run(argv);
        assertThat(result.exitCode()).as(Tools.describe(argv, result)).isZero();
        return result.output();
    }
}
