package dev.scaleup.it;

import static dev.scaleup.it.TestStack.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scaleup.runtime.Exec;
import dev.scaleup.topology.Host;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole stack with real servers: brought up by the CLI from a topology file, checked through the VIP from the
 * root namespace, and removed again (also when a test fails). Its own stack (scit): these tests kill its processes and
 * take it down themselves, which a stack shared with other classes must not see.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StackIT {

    @RegisterExtension
    static final TestStack STACK = TestStack.SCIT;
    static final String NAME = "scit";
    static final String VIP = "198.19.7.100";
    static final List<Long> pidsSeen = new ArrayList<>();

    @Test
    @Order(1)
    void upReportsEachStepAndTheUrl() {
        assertThat(STACK.firstUp().out())
                .contains("created namespace scit-db1 at 198.19.7.81")
                .contains("etcd: quorum of 3 members")
                .contains("created the role app and the database app on the leader")
                .contains("checked by patroni --validate-config")
                .contains("checked by haproxy -c")
                .contains("checked by nginx -t")
                .contains("checked by promtool check, amtool check-config")
                .contains("app3: app ready in")
                .contains("gateway: loaded table inet scaleup_" + NAME)
                .contains("open https://" + VIP + "/ (curl --cacert ")
                .contains("http://" + VIP + "/ redirects there");
    }

    @Test
    @Order(2)
    void theStaticPageComesThroughTheVip() throws Exception {
        HttpResponse<String> page = STACK.get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<h1>scaleup</h1>");
        assertThat(page.headers().firstValue("X-Served-By-Lb")).get().asString().matches("lb[12]");
        assertThat(page.headers().firstValue("X-Served-By-Web")).get().asString().matches("web[12]");
    }

    @Test
    @Order(2)
    void staticFilesComeOverHttp2CompressedAndCacheableByTheirContentHash() throws Exception {
        HttpResponse<String> page = STACK.get("/");
        java.util.regex.Matcher script = java.util.regex.Pattern.compile("src=\"(app\\.[0-9a-f]{10}\\.js)\"")
                .matcher(page.body());
        assertThat(script.find()).as("the page names the script by its content: " + page.body()).isTrue();
        assertThat(page.body()).containsPattern("href=\"style\\.[0-9a-f]{10}\\.css\"");
        assertThat(page.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-cache");

        HttpResponse<byte[]> js = STACK.https().send(HttpRequest.newBuilder(
                URI.create("https://" + VIP + "/" + script.group(1))).header("Accept-Encoding", "gzip").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(js.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(js.headers().firstValue("Vary")).hasValue("Accept-Encoding");
        assertThat(js.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
        assertThat(js.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        byte[] plain = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(js.body())).readAllBytes();
        assertThat(plain).isEqualTo(Files.readAllBytes(RootOnly.repoRoot().resolve("site/app.js")));
        assertThat(js.body().length).isLessThan(plain.length / 2);

        HttpResponse<String> api = STACK.get("/api/info");
        assertThat(api.statusCode()).isEqualTo(200);
        assertThat(api.headers().firstValue("Cache-Control")).as("nginx adds nothing to the app's answers").isEmpty();
    }

    @Test
    @Order(2)
    void logsFollowOneRequestThroughNginxAndTheAppAndMergeEveryHostByTime() throws Exception {
        String id = "stackit-" + System.nanoTime();
        HttpResponse<String> info = STACK.https().send(HttpRequest.newBuilder(URI.create("https://" + VIP + "/api/info"))
                .header("X-Request-Id", id).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(info.statusCode()).isEqualTo(200);
        String web = info.headers().firstValue("X-Served-By-Web").orElseThrow();
        String app = info.headers().firstValue("X-Served-By-App").orElseThrow();

        // the app writes its access line once the answer is sent, so the line may come a moment after the answer
        Cli.Run request = STACK.cli("logs", "--request", id);
        for (int i = 0; i < 20 && request.out().lines().count() < 2; i++) {
            Thread.sleep(250);
            request = STACK.cli("logs", "--request", id);
        }
        assertThat(request.exitCode()).as(request.err()).isZero();
        assertThat(request.out().lines().toList()).hasSize(2)
                .anyMatch(l -> l.startsWith(web + " nginx-access | ") && l.contains("rid=" + id))
                .anyMatch(l -> l.startsWith(app + " app ") && l.contains("request_id=" + id) && l.contains("status=200"));

        Cli.Run recent = STACK.cli("logs", "--all", "--since", "10m");
        assertThat(recent.exitCode()).as(recent.err()).isZero();
        List<String> hosts = recent.out().lines().map(l -> l.substring(0, l.indexOf(' '))).distinct().toList();
        assertThat(hosts).contains("lb1", "web1", "app1", "db1");

        Cli.Run one = STACK.cli("logs", "db1", "patroni", "-n", "3");
        assertThat(one.exitCode()).as(one.err()).isZero();
        assertThat(one.out().lines().toList()).hasSize(3).allMatch(l -> l.startsWith("db1 patroni | "));

        Cli.Run unknown = STACK.cli("logs", "db1", "nginx");
        assertThat(unknown.exitCode()).isEqualTo(2);
        // all-server: pgBackRest's TLS server's own log file (its name for a command without a stanza)
        assertThat(unknown.err()).contains("no log of 'nginx' on db1; the logs there: all-server, etcd, patroni");
    }

    @Test
    @Order(2)
    void plainHttpIsRedirectedToHttpsByDefaultExceptTheHealthCheck() throws Exception {
        HttpClient plain = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> page = plain.send(HttpRequest.newBuilder(URI.create("http://" + VIP + "/api/info?x=1"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(301);
        assertThat(page.headers().firstValue("Location")).hasValue(STACK.site("/api/info?x=1"));
        assertThat(page.headers().firstValue("X-Served-By-Web")).as("answered by HAProxy itself").isEmpty();
        HttpResponse<String> health = plain.send(HttpRequest.newBuilder(URI.create("http://" + VIP + "/nginx-health"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).as("monitors keep checking over HTTP").isEqualTo(200);
        assertThat(STACK.get("/").headers().firstValue("Strict-Transport-Security")).hasValue("max-age=63072000");
    }

    @Test
    @Order(3)
    void apiRequestsAreSpreadOverEveryWebAndAppHost() throws Exception {
        String primary = STACK.primary().address().toString();
        Set<String> webs = new TreeSet<>();
        Set<String> apps = new TreeSet<>();
        for (int i = 0; i < 30; i++) {
            HttpResponse<String> info = STACK.get("/api/info");
            assertThat(info.statusCode()).as(info.body()).isEqualTo(200);
            JsonNode body = JSON.readTree(info.body());
            assertThat(body.path("db").path("server_addr").asText()).isEqualTo(primary);
            assertThat(body.path("db").path("in_recovery").asBoolean()).isFalse();
            webs.add(info.headers().firstValue("X-Served-By-Web").orElseThrow());
            apps.add(info.headers().firstValue("X-Served-By-App").orElseThrow());
            assertThat(body.path("app_host").asText()).isEqualTo(info.headers().firstValue("X-Served-By-App").orElseThrow());
        }
        assertThat(webs).containsExactly("web1", "web2");
        assertThat(apps).containsExactly("app1", "app2", "app3");
    }

    @Test
    @Order(4)
    void aRowWrittenOnThePrimaryIsReadBackOnTheReplica() throws Exception {
        Host primary = STACK.primary();
        Host replica = STACK.replica();
        HttpResponse<String> created = STACK.https().send(HttpRequest.newBuilder(URI.create(STACK.site("/api/visits")))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode visit = JSON.readTree(created.body());
        long id = visit.path("id").asLong();
        assertThat(visit.path("db_server_addr").asText()).isEqualTo(primary.address().toString());

        // straight from the replica's server, over its socket (synchronous replication: it is there already)
        String onReplica = "";
        for (int i = 0; i < 50 && onReplica.isEmpty(); i++) {
            onReplica = psqlOn(replica, "select app_host from visits where id = " + id);
            Thread.sleep(100);
        }
        assertThat(onReplica).isEqualTo(visit.path("app_host").asText());
        assertThat(psqlOn(replica, "select pg_is_in_recovery()")).isEqualTo("t");

        // and through the app, whose read pool prefers a replica (either of the two)
        HttpResponse<String> read = STACK.get("/api/visits/" + id);
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        assertThat(JSON.readTree(read.body()).path("db_server_addr").asText()).isNotEqualTo(primary.address().toString());
        assertThat(JSON.readTree(read.body()).path("in_recovery").asBoolean()).isTrue();
    }

    @Test
    @Order(5)
    void aUserSignsUpTransfersPostsAndReadsThePostFromAReplica() throws Exception {
        String email = "it-" + System.nanoTime() + "@example.com";
        HttpResponse<String> user = post("/api/users", null, null, "{\"email\":\"" + email + "\",\"password\":\"correct horse\"}");
        assertThat(user.statusCode()).as(user.body()).isEqualTo(201);
        HttpResponse<String> other = post("/api/users", null, null,
                "{\"email\":\"other-" + email + "\",\"password\":\"correct horse\"}");
        long otherAccount = JSON.readTree(other.body()).path("account_id").asLong();
        HttpResponse<String> session = post("/api/sessions", null, null, "{\"email\":\"" + email + "\",\"password\":\"correct horse\"}");
        String token = JSON.readTree(session.body()).path("token").asText();

        HttpResponse<String> transfer = post("/api/transfers", token, "it-" + System.nanoTime(),
                "{\"to_account\":" + otherAccount + ",\"amount_cents\":1250}");
        assertThat(transfer.statusCode()).as(transfer.body()).isEqualTo(201);
        assertThat(JSON.readTree(transfer.body()).path("balance_cents").asLong()).isEqualTo(100000 - 1250);

        String title = "stack test " + System.nanoTime();
        HttpResponse<String> created = post("/api/posts", token, null, "{\"title\":\"" + title + "\",\"body\":\"through the VIP\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

        // a reader without the writer's cookie gets the feed from a replica; synchronous replication: it is there
        HttpResponse<String> feed = null;
        for (int i = 0; i < 50; i++) {
            feed = STACK.get("/api/posts?limit=20");
            if (feed.statusCode() == 200 && feed.body().contains(title)) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(feed.statusCode()).isEqualTo(200);
        assertThat(feed.body()).contains(title);
        assertThat(feed.headers().firstValue("X-Db-Pool")).contains("replica");
    }

    static HttpResponse<String> post(String path, String token, String idempotencyKey, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(STACK.site(path)))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return STACK.https().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(5)
    void theSiteWorksInABrowserThroughTheVip() throws Exception {
        Path screenshot = Path.of("target/site-e2e.png").toAbsolutePath();
        boolean haveBrowser = Files.isExecutable(Path.of("/usr/bin/chromium")) && Exec.run(List.of("node", "--version")).ok();
        if (!haveBrowser && !"true".equals(System.getenv("CI"))) {
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "skipped: needs /usr/bin/chromium and node (./test installs them)");
        }
        Exec.Result e2e = Exec.run(List.of("bash", RootOnly.repoRoot().resolve("e2e/run.sh").toString(),
                "http://" + VIP + "/", screenshot.toString(), STACK.ca().toString()),
                Duration.ofMinutes(4), null);
        assertThat(e2e.exitCode()).as("e2e/run.sh:\n" + e2e.stdout() + e2e.stderr()).isZero();
        assertThat(screenshot).exists();
    }

    @Test
    @Order(5)
    void logFilesAreRotatedOnceTooBigAndTheServerKeepsWritingToTheSameFile() throws Exception {
        Path log = STACK.real().resolve("hosts/app1/logs/app.log");
        byte[] filler = ("2026-12-01T00:00:00.000 filler line written by StackIT to push the log over the size "
                + "logrotate keeps\n").repeat(1024).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        long target = (dev.scaleup.render.LogrotateConfig.SIZE_MB + 4) * 1024L * 1024L;
        try (var out = Files.newOutputStream(log, java.nio.file.StandardOpenOption.APPEND)) {
            for (long written = 0; written < target; written += filler.length) {
                out.write(filler);
            }
        }
        assertThat(Files.size(log)).isGreaterThan(target);

        long end = System.nanoTime() + Duration.ofSeconds(dev.scaleup.render.LogrotateConfig.INTERVAL_SECONDS + 10).toNanos();
        Path copy = log.resolveSibling("app.log.1.gz");
        // logrotate empties the file first, then gzips the copy
        while ((Files.size(log) > target || !Files.exists(copy)) && System.nanoTime() < end) {
            Thread.sleep(250);
        }
        assertThat(Files.size(log)).as("app.log after the loop's next run").isLessThan(1024 * 1024);
        assertThat(copy).exists();
        assertThat(Files.size(copy)).as("gzipped").isLessThan(target / 10);

        // app1 still writes to app.log: its next access line lands there
        String id = "rotated-" + System.nanoTime();
        String url = "http://198.19.7.41:8080/healthz"; // app1 of the subnet of VIP
        assertThat(Exec.run(List.of("ip", "netns", "exec", NAME + "-web1", "curl", "-s", "-o", "/dev/null", "-H",
                "X-Request-Id: " + id, url)).exitCode()).isZero();
        end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!Files.readString(log).contains(id) && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        assertThat(Files.readString(log)).contains("request_id=" + id);
    }

    @Test
    @Order(6)
    void statusJsonReportsEveryHostHealthyAndOneVipHolder() throws Exception {
        Cli.Run status = STACK.cli("status", "--json");
        assertThat(status.exitCode()).as(status.out()).isZero();
        JsonNode report = JSON.readTree(status.out());
        assertThat(report.path("healthy").asBoolean()).isTrue();
        assertThat(report.path("vip").path("address").asText()).isEqualTo(VIP);
        assertThat(report.path("vip").path("holder").asText()).isIn("lb1", "lb2");
        assertThat(report.path("etcd").path("quorum").asBoolean()).isTrue();
        assertThat(report.path("etcd").path("members")).hasSize(3);
        List<String> names = new ArrayList<>();
        List<String> dbRoles = new ArrayList<>();
        for (JsonNode host : report.path("hosts")) {
            names.add(host.path("name").asText());
            assertThat(host.path("healthy").asBoolean()).as(host.toString()).isTrue();
            assertThat(host.path("address").asText()).startsWith("198.19.7.");
            for (JsonNode process : host.path("processes")) {
                pidsSeen.add(process.path("pid").asLong());
            }
            if (host.path("role").asText().equals("db")) {
                dbRoles.add(host.path("db_role").asText());
            }
        }
        assertThat(names).containsExactly("lb1", "lb2", "web1", "web2", "app1", "app2", "app3", "db1", "db2",
                "db3", "backup1", "mon1");
        assertThat(dbRoles).containsExactlyInAnyOrder("primary", "replica", "replica");
    }

    /**
     * The monitoring host scrapes every tier (22 targets on the default stack), its rules are loaded, every tier's
     * metrics are there, and a healthy stack raises no alert.
     */
    @Test
    @Order(6)
    void prometheusScrapesEveryTierAndAHealthyStackRaisesNoAlert() throws Exception {
        JsonNode alerts = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            Cli.Run run = STACK.cli("alerts", "--json");
            alerts = JSON.readTree(run.out());
            if (run.exitCode() == 0 && alerts.path("targets_up").asInt() == 22 && alerts.path("targets").asInt() == 22) {
                break;
            }
            Thread.sleep(1000);
        }
        assertThat(alerts).as("alerts --json").isNotNull();
        assertThat(alerts.path("targets_down")).as(alerts.toString()).isEmpty();
        assertThat(alerts.path("targets_up").asInt()).as(alerts.toString()).isEqualTo(22);
        assertThat(alerts.path("alerts")).as(alerts.toString()).isEmpty();
        String prometheus = alerts.path("prometheus").asText();
        assertThat(prometheus).isEqualTo("http://198.19.7.92:9090");
        JsonNode rules = JSON.readTree(http(prometheus + "/api/v1/rules")).path("data").path("groups").get(0)
                .path("rules");
        assertThat(rules).hasSize(dev.scaleup.render.AlertRules.rules(STACK.topology()).size());
        // one query per source: what each tier's exporter gives
        Map<String, String> expected = new java.util.LinkedHashMap<>();
        expected.put("sum(scaleup_vrrp_master)", "1"); // keepalived: one VIP holder
        expected.put("count(haproxy_frontend_http_requests_total{proxy=\"fe_http\"})", "2");
        expected.put("count(nginx_up == 1)", "2");
        expected.put("count(count by (host) (http_server_requests_seconds_count))", "3");
        expected.put("count(hikaricp_connections_active)", "6"); // two pools per app
        expected.put("count(pg_up == 1)", "3");
        expected.put("sum(patroni_primary)", "1");
        expected.put("sum(patroni_sync_standby)", "2"); // every replica is a synchronous standby
        expected.put("count(etcd_server_has_leader == 1)", "3");
        expected.put("count(node_filesystem_avail_bytes{mountpoint=\"/\"})", "1");
        expected.put("count(scaleup_backups)", "1"); // backup1's schedule: the repository's backups
        Map<String, String> seen = new java.util.LinkedHashMap<>();
        for (String query : expected.keySet()) {
            JsonNode result = JSON.readTree(http(prometheus + "/api/v1/query?query="
                    + java.net.URLEncoder.encode(query, java.nio.charset.StandardCharsets.UTF_8))).path("data").path("result");
            seen.put(query, result.isEmpty() ? "none" : result.get(0).path("value").get(1).asText());
        }
        assertThat(seen).isEqualTo(expected);
        Cli.Run table = STACK.cli("alerts");
        assertThat(table.out()).contains("no alert firing").contains("Prometheus: 22/22 targets up");
        assertThat(STACK.cli("status").out()).containsPattern("mon1 .*prometheus .*alertmanager .*healthy .*22/22 targets"
                + " up; no alert firing");
    }

    private static String http(String url) throws Exception {
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url).isEqualTo(200);
        return response.body();
    }

    /** A smoke test of the benchmark (no timing asserts): wrk reaches every target and the CPU is read by kind. */
    @Test
    @Order(6)
    void benchMeasuresEveryTargetWithWrkAndTheCpuOfEachKindOfProcess() throws Exception {
        Cli.Run bench = STACK.cli("bench", "--seconds", "1", "--warmup", "0", "--idle", "1", "--connections", "4",
                "--users", "4", "--json");
        assertThat(bench.exitCode()).as(bench.out()).isZero();
        JsonNode result = JSON.readTree(bench.out());
        assertThat(result.path("load_generator").asText()).isEqualTo("wrk");
        assertThat(result.path("targets")).hasSize(11);
        for (JsonNode target : result.path("targets")) {
            assertThat(target.path("requests").asLong()).as(target.toString()).isPositive();
            assertThat(target.path("errors").asLong()).as(target.toString()).isZero();
            assertThat(target.path("cpu_per_request").path("total_micros").asDouble()).as(target.toString()).isPositive();
        }
        JsonNode staticStack = result.path("targets").get(0).path("cpu_per_request").path("by_kind_micros");
        assertThat(staticStack.path("haproxy").asDouble()).as(staticStack.toString()).isPositive();
        assertThat(staticStack.path("nginx").asDouble()).as(staticStack.toString()).isPositive();
        JsonNode meApp = result.path("targets").get(3);
        assertThat(meApp.path("name").asText()).isEqualTo("me-app");
        assertThat(meApp.path("cpu_per_request").path("by_kind_micros").path("java").asDouble()).isPositive();
        assertThat(meApp.path("cpu_per_request").path("by_kind_micros").path("postgres").asDouble()).isPositive();
        assertThat(result.path("hops")).hasSize(4);
        for (JsonNode hop : result.path("hops")) {
            assertThat(hop.path("cpu_chain_over_parts").asDouble()).as(hop.toString()).isPositive();
        }
        // the reads also directly at the rate they reached through the VIP
        assertThat(result.path("hops").get(1).path("paced").asText()).isEqualTo("me-app-paced");
        assertThat(result.path("hops").get(1).path("cpu_chain_over_paced_parts").asDouble()).isPositive();
        assertThat(result.path("hops").get(2).path("paced").asText()).isEqualTo("posts-app-paced");
        JsonNode memory = result.path("memory");
        assertThat(memory.path("processes").asInt()).isGreaterThan(20);
        for (String kind : List.of("haproxy", "keepalived", "nginx", "java", "postgres", "patroni", "etcd")) {
            assertThat(memory.path("by_kind_rss_mb").path(kind).asDouble()).as(kind + " in " + memory).isPositive();
        }
        assertThat(result.path("idle").path("seconds").asDouble()).isGreaterThanOrEqualTo(0.9);
        assertThat(result.path("idle").path("by_kind_percent_of_core").path("etcd").asDouble()).isPositive();
        assertThat(result.path("idle").path("monitoring_percent_of_core").isNumber()).as("monitoring's share").isTrue();
        assertThat(result.path("idle").path("monitoring_percent_of_core").asDouble()).isBetween(0.0,
                result.path("idle").path("total_percent_of_core").asDouble());
    }

    @Test
    @Order(7)
    void upOnAHealthyDeploymentChangesNothing() {
        Cli.Run again = STACK.up();
        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).contains("nothing to do: all 12 hosts are running and healthy")
                .doesNotContain("started").doesNotContain("rendered");
    }

    @Test
    @Order(8)
    void upBringsBackProcessesThatCrashed() throws Exception {
        long app2 = Long.parseLong(Files.readString(STACK.state().resolve("hosts/app2/run/app.pid")).strip());
        long web1 = Long.parseLong(Files.readString(STACK.state().resolve("hosts/web1/run/nginx.pid")).strip());
        Exec.run(List.of("kill", "-KILL", Long.toString(app2), Long.toString(web1))).orThrow();
        // SIGKILL is delivered at once, but a JVM with many threads takes a moment to be gone
        assertThat(dev.scaleup.runtime.Processes.waitGone(app2, Duration.ofSeconds(10))).isTrue();
        assertThat(dev.scaleup.runtime.Processes.waitGone(web1, Duration.ofSeconds(10))).isTrue();
        Cli.Run status = STACK.cli("status");
        assertThat(status.exitCode()).isEqualTo(3);
        assertThat(status.out()).contains("NOT HEALTHY").contains("app DOWN").contains("nginx DOWN");
        // the pager hears of it: AppHostDown for app2 (two failed scrapes, then the rule's 4 s)
        assertThat(awaitAlerts(a -> a.contains("AppHostDown app2"), Duration.ofSeconds(20)))
                .as("alerts after killing app2").contains("AppHostDown app2");

        Cli.Run again = STACK.up();
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).contains("app2: started app").contains("web1: started nginx")
                .doesNotContain("app1: started").doesNotContain("db1: started");
        assertThat(STACK.cli("status").exitCode()).isZero();
        assertThat(awaitAlerts(a -> a.stream().noneMatch(x -> x.contains("HostDown")), Duration.ofSeconds(30)))
                .as("alerts once app2 is back").noneMatch(x -> x.contains("HostDown"));
    }

    /** Polls `alerts --json` until the firing alerts ("Name host") pass the test, or the time is up; returns the last. */
    private static List<String> awaitAlerts(java.util.function.Predicate<List<String>> done, Duration limit)
            throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        List<String> firing = List.of();
        while (System.nanoTime() < deadline) {
            List<String> now = new ArrayList<>();
            JSON.readTree(STACK.cli("alerts", "--json").out()).path("alerts").forEach(a -> now.add(
                    a.path("name").asText() + " " + a.path("host").asText()));
            firing = now;
            if (done.test(firing)) {
                break;
            }
            Thread.sleep(500);
        }
        return firing;
    }

    @Test
    @Order(9)
    void downLeavesNothingBehindAndCanRunTwice() throws Exception {
        pidsSeen.addAll(STACK.pids().values());
        long rotation = Long.parseLong(Files.readString(STACK.real().resolve("logrotate.pid")).strip());
        assertThat(dev.scaleup.runtime.Processes.alive(rotation)).as("the logrotate loop runs").isTrue();
        pidsSeen.add(rotation);
        Cli.Run down = STACK.down();
        assertThat(down.exitCode()).as(down.err()).isZero();
        assertThat(down.out()).contains("logs: ended the logrotate loop (pid " + rotation + ")");

        assertThat(Exec.run(List.of("ip", "netns", "list")).stdout()).doesNotContain(NAME + "-");
        assertThat(Exec.run(List.of("ip", "-o", "link", "show")).stdout()).doesNotContain(NAME + "-");
        assertThat(down.out()).contains("removed the gateway rules (table inet scaleup_" + NAME + ")");
        assertThat(Exec.run(List.of("nft", "list", "tables")).stdout()).as("the gateway rules are gone")
                .doesNotContain("scaleup_" + NAME);
        for (long pid : pidsSeen) {
            assertThat(dev.scaleup.runtime.Processes.alive(pid)).as("process " + pid + " is gone").isFalse();
        }
        assertThat(STACK.state()).doesNotExist();
        Cli.Run second = STACK.cli("down");
        assertThat(second.exitCode()).isZero();
        assertThat(second.out()).contains("nothing to do");
    }

    /** A query on the db host over its socket: the value, or "" when it failed. */
    static String psqlOn(Host db, String sql) {
        Exec.Result result = STACK.psql(db, "app", sql);
        return result.ok() ? result.stdout().strip() : "";
    }
}
