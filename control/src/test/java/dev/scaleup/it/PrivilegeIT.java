package dev.scaleup.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.runtime.Exec;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Least privilege (the shared secit stack; docs/SECURITY.md "Which user runs what"): every server process runs as
 * the user it should, and the unprivileged users cannot read what is not theirs.
 */
class PrivilegeIT {

    @RegisterExtension
    static final TestStack STACK = TestStack.SECIT;

    /** The user each server process (and each of its workers running the same program) runs as. */
    private static final Map<String, String> MAIN_USER = Map.ofEntries(
            Map.entry("haproxy", "root"),
            Map.entry("keepalived", "root"),
            Map.entry("nginx", "root"),
            Map.entry("app", "scaleup-app"),
            Map.entry("patroni", "postgres"),
            Map.entry("etcd", "etcd"),
            // pgBackRest's TLS server (db hosts, backup1) and backup1's schedule
            Map.entry("pgbackrest", "postgres"),
            Map.entry("backup-schedule", "postgres"),
            // PgBouncer (db.pooler, the default) and, on netns, its keeper
            Map.entry("pgbouncer", "postgres"),
            Map.entry("pgbouncer-keeper", "postgres"),
            // the monitoring host and every tier's exporter: Debian's prometheus user
            Map.entry("prometheus", "prometheus"),
            Map.entry("alertmanager", "prometheus"),
            Map.entry("node-exporter", "prometheus"),
            Map.entry("nginx-exporter", "prometheus"),
            Map.entry("postgres-exporter", "prometheus"));
    /** Workers: the master stays root to bind ports, reload and manage the VIP; what parses requests does not. */
    private static final Map<String, String> WORKER_USER = Map.of("haproxy", "haproxy", "nginx", "www-data");

    @Test
    void everyServerProcessRunsAsItsUser() throws IOException {
        Map<String, String> seen = new TreeMap<>();
        STACK.pids().forEach((hostProcess, pid) -> {
            String process = hostProcess.substring(hostProcess.indexOf('/') + 1);
            assertThat(uids(pid)).as(hostProcess + " (pid " + pid + ")").containsOnly(uidOf(MAIN_USER.get(process)));
            seen.put(hostProcess, MAIN_USER.get(process));
            String workerUser = WORKER_USER.get(process);
            ProcessHandle.of(pid).orElseThrow().children()
                    .filter(child -> executable(child.pid()).equals(executable(pid)))
                    .forEach(worker -> {
                        assertThat(uids(worker.pid())).as(hostProcess + " worker " + worker.pid())
                                .containsOnly(uidOf(workerUser == null ? MAIN_USER.get(process) : workerUser));
                        seen.put(hostProcess + " worker", workerUser);
                    });
            if (process.equals("patroni")) {
                // PostgreSQL's postmaster, started by Patroni, and what they run: some end at once (a backend, an
                // archive-push), between the listing and the read of their status (failed in CI once)
                ProcessHandle.of(pid).orElseThrow().descendants().forEach(child ->
                        uidsIfAlive(child.pid()).ifPresent(uids -> assertThat(uids)
                                .as(hostProcess + " child " + child.pid()).containsOnly(uidOf("postgres"))));
            }
        });
        System.out.println("processes and their users: " + seen);
        assertThat(seen).containsKeys("lb1/haproxy worker", "web1/nginx worker", "app1/app", "db1/etcd",
                "db1/pgbackrest", "db1/pgbouncer", "db1/pgbouncer-keeper", "backup1/pgbackrest", "backup1/backup-schedule", "mon1/prometheus",
                "mon1/alertmanager", "lb1/node-exporter", "web1/nginx-exporter", "db1/postgres-exporter",
                "backup1/node-exporter");
    }

    @Test
    void theServerUsersCannotReadWhatIsNotTheirs() throws IOException {
        Path root = STACK.real();
        List<Path> secret = new ArrayList<>(List.of(root.resolve("secrets.properties"),
                root.resolve("tls/private/ca.key"), root.resolve("tls/private/server.key")));
        for (Host app : STACK.topology().hosts(Role.APP)) {
            secret.add(root.resolve("hosts/" + app.name() + "/conf/app.properties"));
        }
        for (Host lb : STACK.topology().hosts(Role.LB)) {
            secret.add(root.resolve("hosts/" + lb.name() + "/conf/tls.pem"));
        }
        for (Host db : STACK.topology().hosts(Role.DB)) {
            secret.add(root.resolve("hosts/" + db.name() + "/conf/patroni.yml"));
            secret.add(root.resolve("hosts/" + db.name() + "/conf/pgbackrest.key"));
        }
        // the repository's passphrase, and backups themselves
        secret.add(root.resolve("hosts/backup1/conf/pgbackrest.conf"));
        secret.add(root.resolve("tls/private/pgbackrest.key"));
        List<String> refused = new ArrayList<>();
        for (String user : List.of("scaleup-app", "haproxy", "www-data", "etcd", "prometheus")) {
            for (Path file : secret) {
                assertThat(Files.isReadable(file)).as("root reads " + file).isTrue();
                assertDenied(user, List.of("cat", file.toString()));
            }
            refused.add(user + ": " + secret.size() + " files");
        }
        // the app user: no other host's directory, not even its own (its properties come on standard input)
        for (Host host : STACK.topology().hosts()) {
            assertDenied("scaleup-app", List.of("ls", root.resolve("hosts/" + host.name()).toString()));
        }
        assertDenied("scaleup-app", List.of("ls", root.resolve("hosts/db1/data/etcd").toString()));
        assertDenied("www-data", List.of("ls", root.resolve("hosts/db1/data/etcd").toString()));
        // the exporters' user passes through a db host's directory to PostgreSQL's socket, and reads no log there
        assertDenied("prometheus", List.of("ls", root.resolve("hosts/db1").toString()));
        assertDenied("prometheus", List.of("ls", root.resolve("hosts/db1/logs").toString()));
        assertDenied("prometheus", List.of("ls", root.resolve("hosts/lb1/logs").toString()));
        // nor backup1's (it passes through to the schedule's backup.prom), nor the repository
        assertDenied("prometheus", List.of("ls", root.resolve("hosts/backup1").toString()));
        assertDenied("prometheus", List.of("ls", root.resolve("hosts/backup1/logs").toString()));
        assertDenied("prometheus", List.of("ls", root.resolve("hosts/backup1/data/repository").toString()));
        // ... while it does read what it runs, so the refusals above are about the files, not about setpriv
        Exec.Result jar = asUser("scaleup-app", List.of("sh", "-c", "find " + root.resolve("artifacts")
                + " -name app.jar -exec head -c 4 {} \\; | od -c | head -1"));
        assertThat(jar.ok()).as(jar.stderr()).isTrue();
        assertThat(jar.stdout()).contains("P   K");
        System.out.println("refused: " + refused + "; scaleup-app lists no host directory");
    }

    private static void assertDenied(String user, List<String> command) {
        Exec.Result result = asUser(user, command);
        assertThat(result.ok()).as(user + ": " + String.join(" ", command) + " must fail").isFalse();
        assertThat(result.stderr()).as(user + ": " + String.join(" ", command)).contains("Permission denied");
    }

    private static Exec.Result asUser(String user, List<String> command) {
        List<String> argv = new ArrayList<>(List.of("setpriv", "--reuid=" + user, "--regid=" + user, "--init-groups"));
        argv.addAll(command);
        return Exec.run(argv);
    }

    /** The process's uids, or nothing when it ended before they were read. */
    private static java.util.Optional<List<Long>> uidsIfAlive(long pid) {
        try {
            return java.util.Optional.of(uids(pid));
        } catch (AssertionError e) {
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                throw e;
            }
            return java.util.Optional.empty();
        }
    }

    /** Real, effective, saved and file-system uid of the process, from /proc/PID/status. */
    private static List<Long> uids(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("Uid:")) {
                    return java.util.Arrays.stream(line.substring(4).strip().split("\\s+")).map(Long::parseLong).toList();
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot read /proc/" + pid + "/status", e);
        }
        throw new AssertionError("no Uid line for " + pid);
    }

    private static long uidOf(String user) {
        Exec.Result id = Exec.run(List.of("id", "-u", user));
        assertThat(id.ok()).as("user " + user + " exists").isTrue();
        return Long.parseLong(id.stdout().strip());
    }

    private static String executable(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe")).getFileName().toString();
        } catch (IOException e) {
            return "?";
        }
    }
}
