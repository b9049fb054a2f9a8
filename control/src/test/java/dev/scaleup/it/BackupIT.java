package dev.scaleup.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scaleup.ops.VipAccess;
import dev.scaleup.runtime.Exec;
import dev.scaleup.runtime.Readiness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Backups on a stack of its own ({@code bkit}, 198.19.61.0/24: 1 web, 1 app, a primary alone, backup1): a full
 * backup lands in the repository, and a row written through the app afterwards reaches the WAL archive (the primary
 * commits alone: no replica, no synchronous mode); then a replica is added ({@code scale db.replicas=1}), which turns
 * strict synchronous replication on, and a restore drill restores the database to a point in time under load across a
 * failover (restore-after-failover; with {@code ./test --long} both of `drill backups`, the plain restore on the
 * timeline of the backup too).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackupIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path WORK = Path.of("target", "backup-it").toAbsolutePath();
    private static final Path STATE = WORK.resolve("state");
    private static Cli.Run up;

    @BeforeAll
    static void bringUp() throws Exception {
        RootOnly.require();
        Files.createDirectories(WORK);
        Path file = WORK.resolve("bkit.yaml");
        Files.writeString(file, """
                # BackupIT's stack: the smallest, and the backup host; a replica comes with a scale
                name: bkit
                network:
                  subnet: 198.19.61.0/24
                web:
                  count: 1
                app:
                  count: 1
                db:
                  replicas: 0
                backup:
                  enabled: true
                  archive_timeout: 10
                site: %s
                """.formatted(RootOnly.repoRoot().resolve("site")));
        cli("down"); // whatever a run that was killed left behind
        up = Cli.run("up", "-f", file.toString(), "--state-dir", STATE.toString());
    }

    @AfterAll
    static void takeDown() {
        if (up != null) {
            assertThat(cli("down").exitCode()).isZero();
        }
    }

    @Test
    @Order(1)
    void aFullBackupThenARowWrittenThroughTheAppIsArchived() throws Exception {
        assertThat(up.exitCode()).as("up:\n" + up.out() + up.err()).isZero();
        assertThat(up.out()).contains("backup1: made the stanza bkit", "backup1: pgbackrest check");
        // the backup host's schedule takes a full backup by itself once the stanza exists (none yet)
        Readiness.await("the schedule's first full backup", Duration.ofSeconds(90),
                () -> backups().path("backups").size() == 1, () -> true);
        Instant scheduled = Instant.parse(backups().path("backups").get(0).path("stop").asText());

        Cli.Run backup = cli("backup", "--type", "full");
        assertThat(backup.exitCode()).as(backup.err()).isZero();
        assertThat(backup.out()).containsPattern("backup: full \\S+F done in [0-9.]+ s: .* MB/s");

        HttpResponse<String> created = https().send(HttpRequest.newBuilder(URI.create("https://198.19.61.100/api/visits"))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        // acknowledged, so committed: the segment being written now holds the row or comes after it; it is closed so
        // that it is archived at once (not after archive_timeout)
        String primary = primary();
        String rowWal = psql(primary, "select pg_walfile_name(pg_current_wal_insert_lsn())");
        psql(primary, "select pg_switch_wal()");
        String[] walMax = new String[1];
        Readiness.await("the row's WAL " + rowWal + " in the archive", Duration.ofSeconds(30), () -> {
            walMax[0] = backups().path("wal_max").asText();
            return walMax[0].compareTo(rowWal) >= 0;
        }, () -> true);

        JsonNode listed = backups();
        assertThat(listed.path("backups")).as(listed.toString()).hasSize(2);
        assertThat(Instant.parse(listed.path("backups").get(0).path("stop").asText())).isEqualTo(scheduled);
        assertThat(listed.path("backups").get(1).path("type").asText()).isEqualTo("full");
        assertThat(listed.path("backups").get(1).path("size_bytes").asLong()).isPositive();
        Cli.Run log = cli("logs", "backup1", "backup-schedule");
        assertThat(log.out()).as(log.err()).contains("full backup: no full backup yet").contains("full backup done in");
        assertThat(listed.path("archiver").path("failing").asBoolean()).isFalse();
        assertThat(listed.path("archiver").path("last_archived_wal").asText()).isGreaterThanOrEqualTo(rowWal);

        Cli.Run status = cli("status");
        assertThat(status.exitCode()).as(status.out()).isZero();
        assertThat(status.out()).contains("backup1").contains("last backup full")
                .contains("no replica: commits are on this host alone");
    }

    /**
     * A deployment made without replicas commits on its primary alone (strict synchronous mode would wait forever
     * for a standby); the first replica turns synchronous mode on in etcd, so from then on a commit waits for it.
     */
    @Test
    @Order(2)
    void theFirstReplicaTurnsSynchronousReplicationOn() throws Exception {
        JsonNode before = patroniConfig();
        assertThat(before.path("synchronous_mode").asBoolean()).as(before.toString()).isFalse();

        Cli.Run scale = cli("scale", "db.replicas=1");
        assertThat(scale.exitCode()).as(scale.out() + scale.err()).isZero();
        assertThat(scale.out()).contains("synchronous mode on (1 replicas)");

        JsonNode after = patroniConfig();
        assertThat(after.path("synchronous_mode").asBoolean()).as(after.toString()).isTrue();
        assertThat(after.path("synchronous_mode_strict").asBoolean()).as(after.toString()).isTrue();
        Cli.Run status = cli("status");
        assertThat(status.exitCode()).as(status.out()).isZero();
        assertThat(status.out()).contains("sync standby db2").doesNotContain("no replica");
        HttpResponse<String> created = https().send(HttpRequest.newBuilder(URI.create("https://198.19.61.100/api/visits"))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        Cli.Run again = cli("up");
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).as("a second up changes nothing").contains("nothing to do");
    }

    /**
     * `drill restore-after-failover` (with {@code ./test --long} `drill restore` too): everything acknowledged before
     * T is there exactly once, what was acknowledged after T (before the restore) is not, what the restored database
     * acknowledged is, the balances add up, the stack is healthy again, and archiving works on the new timeline (the
     * restore checks it).
     */
    @Test
    @Order(3)
    void aRestoreToAPointInTimeUnderLoadKeepsWhatCameBeforeItAndNothingAfter() throws Exception {
        // CI: the restore after a failover (across the timeline switch), which restores as the plain one does after
        // a failover; both with ./test --long (the plain one took about 65 s here)
        Cli.Run run = cli("drill", DrillIT.LONG ? "backups" : "restore-after-failover", "--json", "--clients", "8",
                "--users", "10");
        JsonNode all = JSON.readTree(run.out());
        List<String> scenarios = new java.util.ArrayList<>();
        // a group prints {"scenarios": [...]}, one scenario its own report
        for (JsonNode s : all.has("scenarios") ? all.path("scenarios") : List.of(all)) {
            scenarios.add(s.path("scenario").asText());
            String what = s.path("scenario").asText() + ": " + s.path("checks") + " " + s.path("error");
            assertThat(s.path("data").path("lost").asLong()).as(what).isZero();
            assertThat(s.path("data").path("duplicated").asLong()).as(what).isZero();
            assertThat(s.path("data").path("rejected_applied").asLong()).as(what).isZero();
            assertThat(s.path("data").path("sum_difference_cents").asLong()).as(what).isZero();
            assertThat(s.path("recovery").path("healthy_again").asBoolean()).as(what).isTrue();
            List<String> checks = new java.util.ArrayList<>();
            s.path("checks").forEach(c -> checks.add(c.path("name").asText() + (c.path("ok").asBoolean() ? "" : " FAILED")));
            assertThat(checks).as(what).contains("acknowledged after T (before the restore) absent",
                    "acknowledged before T, checked present", "acknowledged after the restore, checked present",
                    "restore time (RTO)");
            assertThat(s.path("fault_done").asText()).as(what).contains("restored to T in", "MB/s",
                    "archive delay after a WAL switch");
            assertThat(s.path("passed").asBoolean()).as(what).isTrue();
        }
        assertThat(scenarios).containsExactlyElementsOf(DrillIT.LONG ? List.of("restore", "restore-after-failover")
                : List.of("restore-after-failover"));
        assertThat(run.exitCode()).as(run.err()).isZero();
        Cli.Run status = cli("status");
        assertThat(status.exitCode()).as(status.out()).isZero();
    }

    private static JsonNode backups() {
        try {
            return JSON.readTree(cli("backups", "--json").out());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Patroni's dynamic configuration in etcd, as db1 reads it. */
    private static JsonNode patroniConfig() throws Exception {
        HttpResponse<String> config = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://198.19.61.81:8008/config")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(config.statusCode()).as(config.body()).isEqualTo(200);
        return JSON.readTree(config.body());
    }

    private static String primary() throws Exception {
        for (JsonNode host : JSON.readTree(cli("status", "--json").out()).path("hosts")) {
            if (host.path("db_role").asText().equals("primary")) {
                return host.path("name").asText();
            }
        }
        throw new AssertionError("no primary in status");
    }

    private static String psql(String host, String sql) {
        Exec.Result result = Exec.run(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups",
                "/usr/lib/postgresql/15/bin/psql", "-X", "-A", "-t", "-h", STATE.resolve("hosts/" + host + "/run").toString(),
                "-p", "5432", "-U", "postgres", "-d", "app", "-c", sql)).orThrow();
        return result.stdout().strip();
    }

    private static HttpClient https() throws Exception {
        return HttpClient.newBuilder().sslContext(VipAccess.trusting(STATE.resolve("tls/ca.crt")))
                .connectTimeout(Duration.ofSeconds(3)).build();
    }

    private static Cli.Run cli(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--state-dir";
        all[args.length + 1] = STATE.toString();
        return Cli.run(all);
    }
}
