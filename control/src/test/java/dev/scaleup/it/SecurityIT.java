package dev.scaleup.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.ops.TopologyStore;
import dev.scaleup.render.Etcd;
import dev.scaleup.runtime.Exec;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The security of a real stack of its own (name secit, 198.19.6.0/24): tiers isolated by each host's firewall.
 *
 * <p>To run the checks against a stack that is already up instead (while developing), give its state directory:
 * {@code -Dsecit.state=/tmp/sec-state}; that stack is then neither brought up nor down.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecurityIT {

    static final String NAME = "secit";
    static final Path WORK = Path.of("target/security-it").toAbsolutePath();
    static final String REUSE = System.getProperty("secit.state", "");
    static final Path STATE = REUSE.isBlank() ? WORK.resolve("state") : Path.of(REUSE);
    static final Path FILE = REUSE.isBlank() ? WORK.resolve("secit.yaml") : Path.of(System.getProperty("secit.file"));
    /** The ports probed on every address: HTTP, HTTPS, web, app, PostgreSQL, Patroni, etcd client and peer. */
    static final List<Integer> PORTS = List.of(80, 443, 8080, 5432, 8008, 2379, 2380);
    static final String ROOT = "root";

    static Cli.Run firstUp;
    static Topology topology;

    @BeforeAll
    static void up() throws IOException {
        RootOnly.require();
        Files.createDirectories(WORK);
        if (REUSE.isBlank()) {
            Cli.run("down", "--state-dir", STATE.toString());
            Files.writeString(FILE, """
                    # the default stack under its own name and subnet
                    name: %s
                    network:
                      subnet: 198.19.6.0/24
                      vip: 198.19.6.100
                    site: %s
                    """.formatted(NAME, RootOnly.repoRoot().resolve("site")));
            firstUp = Cli.run("up", "-f", FILE.toString(), "--state-dir", STATE.toString());
            assertThat(firstUp.exitCode()).as("up failed:\n" + firstUp.err()).isZero();
        }
        topology = TopologyStore.load(STATE.resolve("topology.json"));
    }

    @AfterAll
    static void down() throws IOException {
        if (!REUSE.isBlank()) {
            return;
        }
        if (Files.exists(STATE.resolve("hosts"))) {
            keepLogs();
        }
        Cli.Run down = Cli.run("down", "--state-dir", STATE.toString());
        assertThat(down.exitCode()).as(down.err()).isZero();
    }

    /** Host logs of the run are kept under target/ (CI keeps them as artifacts of a failed run). */
    static void keepLogs() throws IOException {
        RootOnly.keepHostLogs(STATE, WORK.resolve("logs"));
    }

    // ---- 1. isolation between tiers

    @Test
    @Order(1)
    void upLoadsEveryHostsFirewallBeforeItsProcessesStart() {
        if (firstUp == null) {
            return; // a reused stack: its up ran elsewhere
        }
        String out = firstUp.out();
        for (Host host : topology.hosts()) {
            int loaded = out.indexOf(host.name() + ": loaded its firewall");
            assertThat(loaded).as(host.name() + " firewall loaded:\n" + out).isNotNegative();
            int started = out.indexOf(host.name() + ": started ");
            assertThat(started).as(host.name() + " started after its firewall").isGreaterThan(loaded);
        }
    }

    @Test
    @Order(2)
    void exactlyTheAllowedFlowsConnect() throws Exception {
        Map<String, Map<String, TcpProbe.Outcome>> observed = probeAll(1500);
        List<String> wrong = new ArrayList<>();
        observed.forEach((source, outcomes) -> outcomes.forEach((target, outcome) -> {
            TcpProbe.Outcome expected = expected(source, target);
            if (outcome != expected) {
                // once more, alone and with more time: the machine may be busy
                TcpProbe.Outcome again = probe(source, List.of(target), 4000).get(target);
                outcomes.put(target, again);
                if (again != expected) {
                    wrong.add(source + " -> " + label(target) + ": expected " + expected + ", got " + outcome + " then " + again);
                }
            }
        }));
        String matrix = matrix(observed);
        System.out.println(matrix);
        Files.writeString(WORK.resolve("reachability.txt"), matrix);
        assertThat(wrong).as("flows that differ from the policy; observed:\n" + matrix).isEmpty();
    }

    @Test
    @Order(3)
    void aRemovedFirewallMakesTheHostUnhealthyAndUpLoadsItAgain() throws Exception {
        String web1 = topology.name() + "-web1";
        Exec.run(List.of("ip", "netns", "exec", web1, "nft", "delete", "table", "inet", "scaleup")).orThrow();
        Cli.Run status = Cli.run("status", "--state-dir", STATE.toString());
        assertThat(status.exitCode()).isEqualTo(3);
        assertThat(status.out()).containsPattern("web1 .*UNHEALTHY.*firewall MISSING");

        Cli.Run up = Cli.run("up", "-f", FILE.toString(), "--state-dir", STATE.toString());
        assertThat(up.exitCode()).as(up.err()).isZero();
        assertThat(up.out()).contains("web1: loaded its firewall").doesNotContain("web2: loaded")
                .doesNotContain("started");
        Cli.Run again = Cli.run("up", "-f", FILE.toString(), "--state-dir", STATE.toString());
        assertThat(again.out()).contains("nothing to do").doesNotContain("firewall");
        String json = Cli.run("status", "--json", "--state-dir", STATE.toString()).out();
        assertThat(json).doesNotContain("\"firewall\" : \"missing\"").doesNotContain("\"firewall\" : \"stale\"")
                .contains("\"firewall\" : \"current\"");
    }

    @Test
    @Order(4)
    void onTheMachineOnlyRootReachesTheHostsAndEveryLocalUserTheVip() throws Exception {
        List<String> targets = new ArrayList<>();
        for (String address : destinations()) {
            PORTS.forEach(port -> targets.add(address + ":" + port));
        }
        Map<String, String> observed = probeAsLocalUser(targets);
        List<String> wrong = new ArrayList<>();
        StringBuilder row = new StringBuilder("a local user (nobody) in the machine's namespace reaches:");
        for (String target : targets) {
            String address = target.substring(0, target.lastIndexOf(':'));
            int port = Integer.parseInt(target.substring(target.lastIndexOf(':') + 1));
            boolean vip = address.equals(topology.network().vip().toString());
            String expected = !vip ? "REFUSED" // the gateway rules reject it before it leaves the machine's namespace
                    : port == topology.lb().port() || port == topology.lb().edge().httpsPort() ? "OPEN" : "DROPPED";
            if (observed.get(target).equals("OPEN")) {
                row.append(' ').append(label(target));
            }
            if (!observed.get(target).equals(expected)) {
                wrong.add(label(target) + ": expected " + expected + ", got " + observed.get(target));
            }
        }
        System.out.println(row);
        Files.writeString(WORK.resolve("reachability-local-user.txt"), row + "\n");
        assertThat(wrong).as("what a local user other than root reaches").isEmpty();

        // without the gateway rules, the same user would reach Patroni's REST API: status says so, up loads them
        String table = dev.scaleup.render.FirewallConfig.gatewayTable(topology);
        Exec.run(List.of("nft", "delete", "table", "inet", table)).orThrow();
        String patroni = topology.hosts(Role.DB).get(0).address() + ":" + dev.scaleup.render.PatroniConfig.REST_PORT;
        assertThat(probeAsLocalUser(List.of(patroni))).as("the exposure the rules close").containsEntry(patroni, "OPEN");
        Cli.Run status = Cli.run("status", "--state-dir", STATE.toString());
        assertThat(status.exitCode()).isEqualTo(3);
        assertThat(status.out()).contains("gateway firewall (only root reaches the hosts from this machine): MISSING");
        Cli.Run up = Cli.run("up", "-f", FILE.toString(), "--state-dir", STATE.toString());
        assertThat(up.exitCode()).as(up.err()).isZero();
        assertThat(up.out()).contains("gateway: loaded table inet " + table).doesNotContain("started")
                .doesNotContain("its firewall");
        assertThat(probeAsLocalUser(List.of(patroni))).containsEntry(patroni, "REFUSED");
        assertThat(Cli.run("status", "--json", "--state-dir", STATE.toString()).out())
                .contains("\"gateway_firewall\" : \"current\"");
    }

    /**
     * Opens a TCP connection to each {@code address:port} as the user nobody in the machine's own namespace (bash's
     * /dev/tcp, 1.5 s each): OPEN, REFUSED (connection refused: a reject), DROPPED (no answer), or what bash said.
     */
    static Map<String, String> probeAsLocalUser(List<String> targets) {
        String script = """
                for t in "$@"; do
                  err=$(timeout 1.5 bash -c "exec 3<>/dev/tcp/${t%:*}/${t##*:}" 2>&1); rc=$?
                  if [ $rc -eq 0 ]; then echo "$t OPEN"
                  elif [ $rc -eq 124 ]; then echo "$t DROPPED"
                  elif [[ "$err" == *refused* ]]; then echo "$t REFUSED"
                  else echo "$t ERROR:${err//[[:space:]]/_}"; fi
                done
                """;
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "--", "bash", "-c", script, "probe"));
        command.addAll(targets);
        Exec.Result result = Exec.run(command, Duration.ofSeconds(10 + 2L * targets.size()), null).orThrow();
        Map<String, String> outcomes = new LinkedHashMap<>();
        result.stdout().lines().map(l -> l.split(" ", 2)).forEach(f -> outcomes.put(f[0], f[1]));
        assertThat(outcomes.keySet()).as("probe output as nobody").containsExactlyElementsOf(targets);
        return outcomes;
    }

    // ---- 2. hostile input at the edge

    /** What a hostile request must get. */
    enum Expect {
        /** a 4xx, or the connection closed without an answer */
        REFUSED,
        /**
         * request smuggling with both Content-Length and Transfer-Encoding: the edge may serve the request by its
         * Transfer-Encoding (RFC 9112 6.3) but must then close the connection, so the request smuggled behind it is
         * never answered; or refuse it
         */
        CLOSED,
        /**
         * an API request with an injection payload in a field that is valid as data: it may be stored (201), but only
         * as text: a JSON answer (nosniff), and quickly (a pg_sleep in it did not run)
         */
        INERT
    }

    /**
     * One hostile request, sent as raw bytes through the VIP: over HTTPS (as every request is, plain HTTP being
     * redirected), or to the plain HTTP port when {@code plain}.
     */
    record Hostile(String name, byte[] request, Expect expect, boolean plain) {
        Hostile(String name, byte[] request, Expect expect) {
            this(name, request, expect, false);
        }

        static Hostile refused(String name, String... parts) {
            return new Hostile(name, RawHttp.bytes(parts), Expect.REFUSED);
        }

        static Hostile refusedOnThePlainPort(String name, String... parts) {
            return new Hostile(name, RawHttp.bytes(parts), Expect.REFUSED, true);
        }

        static Hostile closed(String name, String... parts) {
            return new Hostile(name, RawHttp.bytes(parts), Expect.CLOSED);
        }
    }

    static final String H = "Host: scaleup.test\r\n";

    static List<Hostile> corpus() {
        String run = Long.toString(System.currentTimeMillis(), 36);
        String a10k = "a".repeat(10_000);
        String a20k = "a".repeat(20_000);
        List<Hostile> corpus = new ArrayList<>(List.of(
                // malformed request lines
                Hostile.refused("garbage request line", "GARBAGE\r\n\r\n"),
                Hostile.refusedOnThePlainPort("garbage request line on the plain port", "GARBAGE\r\n\r\n"),
                Hostile.refusedOnThePlainPort("request smuggling on the plain port", "POST /api/visits HTTP/1.1\r\n", H,
                        "Content-Length: 3\r\nContent-Length: 5\r\n\r\nabcde"),
                Hostile.refused("HTTP/0.9 request", "GET /\r\n\r\n"),
                Hostile.refused("unknown HTTP version", "GET / HTTP/9.9\r\n", H, "\r\n"),
                Hostile.refused("space in the target", "GET /a b HTTP/1.1\r\n", H, "\r\n"),
                Hostile.refused("NUL in the target", "GET /\u0000 HTTP/1.1\r\n", H, "\r\n"),
                Hostile.refusedOnThePlainPort("TLS hello on the HTTP port", "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003\r\n\r\n"),
                Hostile.refused("CONNECT tunnel", "CONNECT internal.example:5432 HTTP/1.1\r\n", H, "\r\n"),
                Hostile.refused("TRACE", "TRACE / HTTP/1.1\r\n", H, "\r\n"),
                Hostile.refused("no Host header", "GET / HTTP/1.1\r\n\r\n"),
                Hostile.refused("bare CR in a header", "GET / HTTP/1.1\r\n", H, "X-A: a\rb\r\n\r\n"),
                Hostile.refused("space before the colon", "GET / HTTP/1.1\r\n", H, "X-A : b\r\n\r\n"),
                // oversized headers
                Hostile.refused("10 KB target", "GET /" + a10k + " HTTP/1.1\r\n", H, "\r\n"),
                Hostile.refused("20 KB target", "GET /" + a20k + " HTTP/1.1\r\n", H, "\r\n"),
                Hostile.refused("12 KB header", "GET / HTTP/1.1\r\n", H, "X-Big: " + "b".repeat(12_000) + "\r\n\r\n"),
                Hostile.refused("200 headers", "GET / HTTP/1.1\r\n", H, headers(200), "\r\n"),
                // huge bodies
                Hostile.refused("declared 10 MB body", "POST /api/users HTTP/1.1\r\n", H,
                        "Content-Type: application/json\r\nContent-Length: 10000000\r\n\r\n{\"email\":\""),
                Hostile.refused("100 KB JSON body", "POST /api/users HTTP/1.1\r\n", H,
                        "Content-Type: application/json\r\nContent-Length: 100011\r\n\r\n{\"email\":\"" + "x".repeat(100_000) + "\"}"),
                Hostile.refused("100 KB chunked body", "POST /api/users HTTP/1.1\r\n", H,
                        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
                        "186a0\r\n" + "x".repeat(100_000) + "\r\n0\r\n\r\n"),
                // request smuggling: the two framings disagree
                Hostile.closed("Content-Length and Transfer-Encoding", "POST /api/visits HTTP/1.1\r\n", H,
                        "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n",
                        "8\r\nSMUGGLED\r\n0\r\n\r\nGET /canary-smuggled HTTP/1.1\r\n", H, "\r\n"),
                Hostile.closed("Transfer-Encoding and a short Content-Length", "GET /api/info HTTP/1.1\r\n", H,
                        "Transfer-Encoding: chunked\r\nContent-Length: 6\r\n\r\n0\r\n\r\nGET /canary-smuggled HTTP/1.1\r\n", H, "\r\n"),
                Hostile.refused("two Content-Lengths", "POST /api/visits HTTP/1.1\r\n", H,
                        "Content-Length: 3\r\nContent-Length: 5\r\n\r\nabcde"),
                Hostile.refused("Content-Length list", "POST /api/visits HTTP/1.1\r\n", H, "Content-Length: 3, 5\r\n\r\nabcde"),
                Hostile.refused("obfuscated Transfer-Encoding", "POST /api/visits HTTP/1.1\r\n", H,
                        "Transfer-Encoding: xchunked\r\nContent-Length: 5\r\n\r\nabcde"),
                Hostile.refused("chunked, identity", "POST /api/visits HTTP/1.1\r\n", H,
                        "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n"),
                Hostile.refused("bad chunk size", "POST /api/visits HTTP/1.1\r\n", H,
                        "Transfer-Encoding: chunked\r\n\r\nZZ\r\nabc\r\n0\r\n\r\n"),
                // path traversal
                Hostile.refused("../../etc/passwd", "GET /../../etc/passwd HTTP/1.1\r\n", H, "\r\n"),
                Hostile.refused("%2e%2e%2f", "GET /%2e%2e%2f%2e%2e%2fetc%2fpasswd HTTP/1.1\r\n", H, "\r\n"),
                Hostile.refused("..%252f (double encoded)", "GET /..%252f..%252fetc%252fpasswd HTTP/1.1\r\n", H, "\r\n"),
                Hostile.refused("..%2f under /api/", "GET /api/..%2f..%2f..%2fetc/passwd HTTP/1.1\r\n", H, "\r\n"),
                Hostile.refused("backslashes", "GET /..\\..\\etc\\passwd HTTP/1.1\r\n", H, "\r\n"),
                Hostile.refused("dot file", "GET /.git/config HTTP/1.1\r\n", H, "\r\n"),
                Hostile.refused("POST to a static file", "POST /index.html HTTP/1.1\r\n", H, "Content-Length: 0\r\n\r\n"),
                // invalid UTF-8
                Hostile.refused("invalid UTF-8 in the path", "GET /\u00ff\u00fe\u00c3\u0028 HTTP/1.1\r\n", H, "\r\n"),
                Hostile.refused("invalid UTF-8 in a JSON field", json("/api/users",
                        "{\"email\":\"\u00ff\u00fe@x.test\",\"password\":\"correct-horse-1\"}")),
                Hostile.refused("JSON that is not an object", json("/api/users", "[\"' OR 1=1 --\"]")),
                Hostile.refused("operator injection object", json("/api/users",
                        "{\"email\":{\"$gt\":\"\"},\"password\":\"correct-horse-1\"}")),
                Hostile.refused("SQL in a path parameter", "GET /api/visits/1%27%20OR%20%271%27=%271 HTTP/1.1\r\n", H, "\r\n"),
                Hostile.refused("SQL in a query parameter", "GET /api/posts?limit=1;DROP%20TABLE%20users HTTP/1.1\r\n", H, "\r\n"),
                Hostile.refused("SQL in an email without @", json("/api/users",
                        "{\"email\":\"x' OR 1=1; DROP TABLE users; --\",\"password\":\"correct-horse-1\"}"))));
        // SQL and script in API fields that are valid as data: stored as text, never run
        corpus.add(new Hostile("SQL in an email", json("/api/users",
                "{\"email\":\"'); DROP TABLE users; SELECT pg_sleep(5); --" + run + "@x.test\",\"password\":\"correct-horse-1\"}")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), Expect.INERT));
        corpus.add(new Hostile("<script> in an email", json("/api/users",
                "{\"email\":\"<script>alert(1)</script>" + run + "@x.test\",\"password\":\"correct-horse-1\"}")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), Expect.INERT));
        return corpus;
    }

    static String headers(int n) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < n; i++) {
            out.append("X-H").append(i).append(": v\r\n");
        }
        return out.toString();
    }

    /** A POST of a JSON body (ISO-8859-1 characters stand for the bytes sent). */
    static String json(String path, String body) {
        return "POST " + path + " HTTP/1.1\r\n" + H + "Content-Type: application/json\r\nContent-Length: "
                + body.length() + "\r\nConnection: close\r\n\r\n" + body;
    }

    @Test
    @Order(10)
    void hostileRequestsAreRefusedAndNothingCrashes() throws Exception {
        Map<String, Long> pidsBefore = pids();
        List<String> rows = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        for (Hostile h : corpus()) {
            RawHttp.Exchange x = RawHttp.exchange(topology.network().vip().toString(),
                    h.plain() ? topology.lb().port() : topology.lb().edge().httpsPort(), h.request(), 1500, h.plain() ? null : tls());
            boolean ok = switch (h.expect()) {
                case REFUSED -> x.refused();
                case CLOSED -> x.refused() || !x.any5xx() && x.statuses().size() == 1 && x.closed();
                case INERT -> !x.any5xx() && x.first() != null && x.millis() < 4000
                        && x.headers().get(0).contains("content-type: application/json")
                        && x.headers().get(0).contains("x-content-type-options: nosniff");
            };
            if (x.bodies().stream().anyMatch(b -> b.contains("root:x:0:0") || b.contains("canary-smuggled"))) {
                ok = false;
            }
            rows.add(String.format("%-45s %-5s %-22s %s", h.name(), h.plain() ? "http" : "https",
                    x.statuses() + (x.closed() ? " closed" : ""),
                    ok ? "ok" : "WRONG"));
            if (!ok) {
                wrong.add(h.name() + ": " + x);
            }
        }
        String table = "Hostile requests through the VIP (raw bytes over TLS, or to the plain HTTP port; answers and "
                + "whether the server closed):\n"
                + String.join("\n", rows) + "\n";
        System.out.println(table);
        Files.writeString(WORK.resolve("hostile.txt"), table);
        assertThat(wrong).as(table).isEmpty();
        assertNothingCrashedAndNormalRequestsWork(pidsBefore);
    }

    @Test
    @Order(11)
    void slowClientsAreCutOffAfterFiveSecondsWhileOthersAreServed() throws Exception {
        Map<String, Long> pidsBefore = pids();
        List<Future<String>> slow = new ArrayList<>();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 4; i++) {
                slow.add(executor.submit(() -> trickle("GET / HTTP/1.1\r\n" + H, "X-Slow: x\r\n")));
            }
            slow.add(executor.submit(() -> trickle("POST /api/visits HTTP/1.1\r\n" + H + "Content-Length: 100\r\n\r\n", "a")));
            Thread.sleep(2000);
            long start = System.nanoTime();
            assertThat(site("/").statusCode()).isEqualTo(200);
            assertThat((System.nanoTime() - start) / 1_000_000).as("a normal request while slow clients trickle").isLessThan(2000);
            for (Future<String> f : slow) {
                String outcome = f.get();
                System.out.println("slow client: " + outcome);
                assertThat(outcome).startsWith("cut off");
            }
        }
        assertNothingCrashedAndNormalRequestsWork(pidsBefore);
    }

    /** Sends {@code head}, then {@code drip} once a second for at most 12 s; says when and how the server ended it. */
    static String trickle(String head, String drip) throws IOException {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(topology.network().vip().toString(), topology.lb().port()), 2000);
            long start = System.nanoTime();
            socket.getOutputStream().write(RawHttp.bytes(head));
            socket.setSoTimeout(1000);
            for (int i = 0; i < 12; i++) {
                try {
                    socket.getOutputStream().write(RawHttp.bytes(drip));
                } catch (java.net.SocketException e) {
                    return "cut off (write failed) after " + (System.nanoTime() - start) / 1_000_000 + " ms";
                }
                try {
                    var in = socket.getInputStream();
                    int c = in.read();
                    long ms = (System.nanoTime() - start) / 1_000_000;
                    if (ms < 4000 || ms > 7000) {
                        return "ended after " + ms + " ms, not after about 5 s";
                    }
                    if (c < 0) {
                        return "cut off (closed without an answer) after " + ms + " ms";
                    }
                    String answer = (char) c + new String(in.readNBytes(Math.min(in.available(), 12)),
                            java.nio.charset.StandardCharsets.ISO_8859_1);
                    return answer.startsWith("HTTP/1.1 408") ? "cut off with 408 after " + ms + " ms"
                            : "answered " + answer.strip() + " after " + ms + " ms";
                } catch (java.net.SocketTimeoutException e) {
                    // still waiting: drip again
                } catch (java.net.SocketException e) {
                    return "cut off (reset) after " + (System.nanoTime() - start) / 1_000_000 + " ms";
                }
            }
            return "never cut off: still open after " + (System.nanoTime() - start) / 1_000_000 + " ms";
        }
    }

    @Test
    @Order(12)
    void theRateLimitAnswers429WhenOnAndNothingWhenOff() throws Exception {
        String text = Files.readString(FILE);
        assertThat(text).as("the test adds an lb: section").doesNotContain("lb:");
        Path limited = WORK.resolve("rate-limited.yaml");
        Files.writeString(limited, text + "lb:\n  rate_limit_per_10s: 40\n");
        try {
            Cli.Run on = Cli.run("up", "-f", limited.toString(), "--state-dir", STATE.toString());
            assertThat(on.exitCode()).as(on.err()).isZero();
            assertThat(on.out()).contains("reloaded haproxy");
            Thread.sleep(1000); // HAProxy's reload is asynchronous: let the new worker take over
            List<Integer> codes = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                codes.add(site("/").statusCode());
            }
            long ok = codes.stream().filter(c -> c == 200).count();
            long limitedCount = codes.stream().filter(c -> c == 429).count();
            System.out.println("60 requests with a limit of 40 per 10 s: " + ok + " x 200, " + limitedCount + " x 429");
            assertThat(ok + limitedCount).isEqualTo(60);
            assertThat(ok).isBetween(30L, 41L);
            assertThat(codes.subList(0, 30)).containsOnly(200);
            assertThat(codes.subList(45, 60)).containsOnly(429);
            // per client: another address is not limited
            Exec.Result other = Exec.run(List.of("ip", "netns", "exec", topology.name() + "-web1", "curl", "-s", "-o",
                    "/dev/null", "-w", "%{http_code}", "--cacert", tlsDir().resolve("ca.crt").toString(), https("/")));
            assertThat(other.stdout()).isEqualTo("200");
        } finally {
            Cli.Run off = Cli.run("up", "-f", FILE.toString(), "--state-dir", STATE.toString());
            assertThat(off.exitCode()).as(off.err()).isZero();
        }
        for (int i = 0; i < 60; i++) {
            assertThat(site("/").statusCode()).as("no limit by default").isEqualTo(200);
        }
    }

    @Test
    @Order(13)
    void answersCarrySecurityHeadersAndNoServerVersion() throws Exception {
        for (String path : List.of("/", "/app.js", "/api/info", "/no-such-page")) {
            var response = site(path);
            var h = response.headers();
            assertThat(h.firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
            assertThat(h.firstValue("X-Frame-Options")).as(path).hasValue("DENY");
            assertThat(h.firstValue("Referrer-Policy")).as(path).hasValue("same-origin");
            assertThat(h.firstValue("Content-Security-Policy")).as(path).get().asString()
                    .contains("default-src 'self'").contains("script-src 'self'").contains("frame-ancestors 'none'")
                    .doesNotContain("unsafe-inline");
            assertThat(h.firstValue("Server")).as(path + ": no Server header at all").isEmpty();
            assertThat(response.body()).as(path).doesNotContainPattern("nginx/\\d|HAProxy/?\\d|Helidon/?\\d");
        }
        // answers made by HAProxy and nginx themselves
        for (byte[] request : List.of(RawHttp.bytes("GARBAGE\r\n\r\n"), RawHttp.bytes("GET /../x HTTP/1.1\r\n", H, "\r\n"))) {
            RawHttp.Exchange x = RawHttp.exchange(topology.network().vip().toString(), topology.lb().edge().httpsPort(), request, 1000,
                    tls());
            assertThat(x.headers().get(0)).doesNotContainPattern("server: .*\\d");
            assertThat(x.bodies().get(0)).doesNotContainPattern("nginx/\\d|HAProxy/?\\d");
        }
    }

    @Test
    @Order(14)
    void aSymbolicLinkInTheSiteIsNotFollowed() throws Exception {
        List<Path> links = new ArrayList<>();
        try {
            for (Host web : topology.hosts(Role.WEB)) {
                Path link = STATE.toRealPath().resolve("hosts/" + web.name() + "/site/leak.txt");
                Files.createSymbolicLink(link, Path.of("/etc/passwd"));
                links.add(link);
            }
            for (int i = 0; i < 2 * links.size(); i++) { // every web host answers once or more
                var response = site("/leak.txt");
                assertThat(response.statusCode()).as("refused (try_files sees no file)").isIn(403, 404);
                assertThat(response.body()).doesNotContain("root:");
            }
        } finally {
            for (Path link : links) {
                Files.deleteIfExists(link);
            }
        }
    }

    // ---- 3. secrets

    /** Every generated secret of the deployment (secrets.properties). */
    static Map<String, String> secrets() throws IOException {
        java.util.Properties p = new java.util.Properties();
        try (var reader = Files.newBufferedReader(STATE.toRealPath().resolve("secrets.properties"))) {
            p.load(reader);
        }
        Map<String, String> secrets = new java.util.TreeMap<>();
        for (String key : List.of("replication.password", "app.db.password", "superuser.password", "app.token.key")) {
            assertThat(p.getProperty(key)).as(key).isNotBlank();
            secrets.put(key, p.getProperty(key));
        }
        // the private keys of TLS: their longest base64 line stands for each
        for (String key : List.of("ca.key", "server.key")) {
            Path file = STATE.toRealPath().resolve("tls/private").resolve(key);
            if (Files.exists(file)) {
                secrets.put("tls " + key, Files.readAllLines(file).stream().filter(l -> !l.startsWith("-----"))
                        .max(java.util.Comparator.comparingInt(String::length)).orElseThrow());
            }
        }
        return secrets;
    }

    static String appLogin() throws IOException {
        java.util.Properties p = new java.util.Properties();
        try (var reader = Files.newBufferedReader(STATE.toRealPath().resolve("secrets.properties"))) {
            p.load(reader);
        }
        return p.getProperty("app.db.user", topology.db().user());
    }

    @Test
    @Order(20)
    void noSecretInOutputLogsStatusWorldReadableFilesOrCommandLines() throws Exception {
        List<String> outputs = new ArrayList<>();
        if (firstUp != null) {
            outputs.add(firstUp.out() + firstUp.err());
        }
        outputs.add(Cli.run("status", "--json", "--state-dir", STATE.toString()).out());
        outputs.add(Cli.run("status", "--state-dir", STATE.toString()).out());
        assertNoLeak(secrets(), outputs);
    }

    /** No secret in the outputs, in any log or world-readable file of the state, or on a command line of the stack. */
    static void assertNoLeak(Map<String, String> secrets, List<String> outputs) throws IOException {
        List<String> leaks = new ArrayList<>();
        secrets.forEach((key, value) -> {
            for (String out : outputs) {
                if (out.contains(value)) {
                    leaks.add(key + " in command output");
                }
            }
        });
        Path root = STATE.toRealPath();
        int[] scanned = {0, 0};
        try (var walk = Files.walk(root)) {
            for (Path file : (Iterable<Path>) walk::iterator) {
                if (!Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                boolean log = file.toString().contains("/logs/") || file.getFileName().toString().endsWith(".log");
                boolean worldReadable = worldReadable(file);
                if (!log && !worldReadable) {
                    continue;
                }
                scanned[log ? 0 : 1]++;
                String text = new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1);
                secrets.forEach((key, value) -> {
                    if (text.contains(value)) {
                        leaks.add(key + " in " + root.relativize(file) + (worldReadable ? " (world-readable)" : " (a log)"));
                    }
                });
            }
        }
        for (Host host : topology.hosts()) {
            for (String pid : Exec.run(List.of("ip", "netns", "pids", topology.name() + "-" + host.name())).stdout().split("\\s+")) {
                if (pid.isBlank()) {
                    continue;
                }
                try {
                    String cmdline = Files.readString(Path.of("/proc", pid, "cmdline")).replace('\0', ' ');
                    secrets.forEach((key, value) -> {
                        if (cmdline.contains(value)) {
                            leaks.add(key + " on the command line of pid " + pid + " on " + host.name());
                        }
                    });
                } catch (IOException gone) {
                    // the process ended meanwhile
                }
            }
        }
        System.out.println("secret scan: " + secrets.size() + " secrets, " + outputs.size() + " command outputs, "
                + scanned[0] + " logs and " + scanned[1] + " other world-readable files, every command line: "
                + (leaks.isEmpty() ? "no leak" : leaks));
        assertThat(scanned[0]).as("logs scanned").isGreaterThan(5);
        assertThat(leaks).isEmpty();
    }

    /** Others may read the file and enter every directory above it. */
    static boolean worldReadable(Path file) throws IOException {
        if (!Files.getPosixFilePermissions(file).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ)) {
            return false;
        }
        for (Path dir = file.getParent(); dir != null; dir = dir.getParent()) {
            if (!Files.getPosixFilePermissions(dir).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
                return false;
            }
        }
        return true;
    }

    @Test
    @Order(21)
    void filesHoldingSecretsAreOnlyReadableByTheirOwner() throws Exception {
        Path root = STATE.toRealPath();
        Map<String, String> secrets = secrets();
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
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .as(root.relativize(file).toString()).isEqualTo("rw-------");
        }
    }

    @Test
    @Order(22)
    void postgresTakesOnlyScramAndEachUserOnlyFromTheHostsThatNeedIt() throws Exception {
        Host primary = primary();
        assertThat(psqlSocket(primary, "SHOW password_encryption")).isEqualTo("scram-sha-256");
        assertThat(psqlSocket(primary, "SELECT string_agg(DISTINCT type || ':' || auth_method, ',') FROM pg_hba_file_rules"))
                .isEqualTo("host:scram-sha-256,local:peer");
        assertThat(psqlSocket(primary, "SELECT count(*) FROM pg_authid WHERE rolpassword IS NOT NULL"
                + " AND rolpassword NOT LIKE 'SCRAM-SHA-256$%'")).as("only SCRAM verifiers stored").isEqualTo("0");

        Map<String, String> secrets = secrets();
        String login = appLogin();
        String appPassword = secrets.get("app.db.password");
        String db = topology.db().name();
        Host replica = topology.hosts(Role.DB).stream().filter(h -> !h.equals(primary)).findFirst().orElseThrow();
        assertThat(psqlFrom("app2", primary, login, appPassword, db)).as("the app's login from an app host").isEqualTo(topology.db().user());
        assertThat(psqlFrom("app2", primary, login, "wrong-" + appPassword, db)).contains("password authentication failed");
        assertThat(psqlFrom(replica.name(), primary, login, appPassword, db)).as("the app's login from a db host")
                .contains("no pg_hba.conf entry");
        assertThat(psqlFrom("app2", primary, "replicator", secrets.get("replication.password"), "postgres"))
                .as("replication role from an app host").contains("no pg_hba.conf entry");
        assertThat(psqlFrom("app2", primary, "postgres", secrets.get("superuser.password"), "postgres"))
                .as("superuser from an app host").contains("no pg_hba.conf entry");
        // a web host: the firewall drops it first; with the firewall opened for it, pg_hba.conf still refuses it
        assertThat(psqlFrom("web1", primary, login, appPassword, db)).contains("timeout expired");
        String ns = topology.name() + "-" + primary.name();
        Exec.run(List.of("ip", "netns", "exec", ns, "nft", "insert", "rule", "inet", "scaleup", "input", "ip", "saddr",
                topology.host("web1").orElseThrow().address().toString(), "tcp", "dport",
                Integer.toString(topology.db().port()), "accept")).orThrow();
        try {
            assertThat(psqlFrom("web1", primary, login, appPassword, db)).as("the app's login from a web host")
                    .contains("no pg_hba.conf entry for host \"" + topology.host("web1").orElseThrow().address() + "\"");
            Cli.Run status = Cli.run("status", "--state-dir", STATE.toString());
            assertThat(status.out()).as("a rule added by hand is noticed").containsPattern(primary.name() + " .*firewall STALE");
        } finally {
            Cli.Run up = Cli.run("up", "-f", FILE.toString(), "--state-dir", STATE.toString());
            assertThat(up.exitCode()).as(up.err()).isZero();
            assertThat(up.out()).contains(primary.name() + ": reloaded its firewall");
        }
        assertThat(psqlFrom("web1", primary, login, appPassword, db)).contains("timeout expired");
    }

    @Test
    @Order(23)
    void rotatingTheAppDatabasePasswordFailsNoRequest() throws Exception {
        Map<String, String> before = secrets();
        String oldLogin = appLogin();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        Cli.Run rotate;
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            // a small closed loop: 4 clients, reads and writes through the VIP, 50 ms apart
            for (int c = 0; c < 4; c++) {
                executor.submit(() -> {
                    while (!stop.get()) {
                        try {
                            var read = site("/api/info");
                            if (read.statusCode() != 200) {
                                failures.add("GET /api/info " + read.statusCode() + " " + read.body());
                            }
                            // writes carry an Idempotency-Key, the stack's contract for a write that may be sent
                            // again (HAProxy and nginx retry it on a connection that closed under it, e.g. a
                            // keep-alive connection of an nginx worker that a reload retired)
                            var write = trustingTheCa().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                    https("/api/visits"))).timeout(Duration.ofSeconds(5))
                                    .header("Idempotency-Key", "rotation-" + java.util.UUID.randomUUID())
                                    .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                                    java.net.http.HttpResponse.BodyHandlers.ofString());
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
            rotate = Cli.run("secrets", "rotate", "app-db", "--state-dir", STATE.toString());
            Thread.sleep(1000);
            stop.set(true);
        }
        System.out.println("during the rotation: " + done.get() + " requests, " + failures.size() + " failed " + failures);
        assertThat(rotate.exitCode()).as(rotate.err()).isZero();
        assertThat(failures).isEmpty();
        assertThat(done.get()).isGreaterThan(100);

        Map<String, String> after = secrets();
        String newLogin = appLogin();
        assertThat(newLogin).isNotEqualTo(oldLogin);
        assertThat(after.get("app.db.password")).isNotEqualTo(before.get("app.db.password"));
        assertThat(rotate.out()).contains("every app server logs in as " + newLogin)
                .contains("removed the password of " + oldLogin);
        Host primary = primary();
        for (Host db : topology.hosts(Role.DB)) {
            assertThat(psqlFrom("app1", db, newLogin, after.get("app.db.password"), topology.db().name())).as(db.name())
                    .isEqualTo(topology.db().user());
            assertThat(psqlFrom("app1", db, oldLogin, before.get("app.db.password"), topology.db().name()))
                    .as("the old password on " + db.name()).contains("password authentication failed");
        }
        for (Host app : topology.hosts(Role.APP)) {
            assertThat(Files.readString(STATE.toRealPath().resolve("hosts/" + app.name() + "/conf/app.properties")))
                    .contains("db.user=" + newLogin + "\n");
        }
        Cli.Run up = Cli.run("up", "-f", FILE.toString(), "--state-dir", STATE.toString());
        assertThat(up.out()).contains("nothing to do");
        Map<String, String> all = new java.util.TreeMap<>(after);
        all.put("old app.db.password", before.get("app.db.password"));
        assertNoLeak(all, List.of(rotate.out() + rotate.err(), up.out(),
                Cli.run("status", "--json", "--state-dir", STATE.toString()).out()));
        assertThat(primary).isNotNull();
    }

    static Host primary() throws IOException {
        Cli.Run status = Cli.run("status", "--json", "--state-dir", STATE.toString());
        for (var host : StackIT.JSON.readTree(status.out()).path("hosts")) {
            if (host.path("db_role").asText().equals("primary")) {
                return topology.host(host.path("name").asText()).orElseThrow();
            }
        }
        throw new AssertionError("no primary in " + status.out());
    }

    /** A query as postgres over the db host's unix socket. */
    static String psqlSocket(Host db, String sql) throws IOException {
        Exec.Result r = Exec.run(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups",
                "/usr/lib/postgresql/15/bin/psql", "-X", "-A", "-t", "-h", STATE.toRealPath().resolve("hosts/" + db.name() + "/run").toString(),
                "-p", Integer.toString(topology.db().port()), "-U", "postgres", "-d", "postgres", "-c", sql)).orThrow();
        return r.stdout().strip();
    }

    /** psql over TCP from a host's namespace (the password in its environment): current_user, or the error. */
    static String psqlFrom(String fromHost, Host db, String user, String password, String database) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("ip", "netns", "exec", topology.name() + "-" + fromHost,
                "/usr/lib/postgresql/15/bin/psql", "-X", "-A", "-t", "-h", db.address().toString(),
                "-p", Integer.toString(topology.db().port()), "-U", user, "-d", database, "-c", "SELECT current_user")
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("PGPASSWORD", password);
        builder.environment().put("PGCONNECT_TIMEOUT", "3");
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        process.waitFor();
        return out;
    }

    // ---- 4. encryption

    static Path tlsDir() throws IOException {
        return STATE.toRealPath().resolve("tls");
    }

    static String https(String path) {
        int port = topology.lb().edge().httpsPort();
        return "https://" + topology.network().vip() + (port == 443 ? "" : ":" + port) + path;
    }

    private static javax.net.ssl.SSLContext tls;
    private static java.net.http.HttpClient trusting;

    /** An SSL context that trusts the deployment's CA and nothing else. */
    static synchronized javax.net.ssl.SSLContext tls() throws IOException {
        if (tls == null) {
            tls = dev.scaleup.ops.VipAccess.trusting(tlsDir().resolve("ca.crt"));
        }
        return tls;
    }

    /** An HTTP client that trusts the deployment's CA and nothing else (redirects are not followed). */
    static synchronized java.net.http.HttpClient trustingTheCa() throws IOException {
        if (trusting == null) {
            trusting = java.net.http.HttpClient.newBuilder().sslContext(tls()).connectTimeout(Duration.ofSeconds(3))
                    .followRedirects(java.net.http.HttpClient.Redirect.NEVER).build();
        }
        return trusting;
    }

    /** GET {@code path} of the site as a browser reaches it: over HTTPS at the VIP, the certificate checked. */
    static java.net.http.HttpResponse<String> site(String path) throws Exception {
        return get(trustingTheCa(), https(path));
    }

    static java.net.http.HttpResponse<String> get(java.net.http.HttpClient client, String url) throws Exception {
        return client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).timeout(Duration.ofSeconds(5))
                .GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(30)
    void httpsServesTheWholeStackWithACertificateForTheVipFromTheDeploymentsCa() throws Exception {
        assertThat(firstUp == null || firstUp.out().contains("curl --cacert " + tlsDir().resolve("ca.crt"))).isTrue();
        var client = trustingTheCa();
        var page = get(client, https("/"));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.version()).as("ALPN").isEqualTo(java.net.http.HttpClient.Version.HTTP_2);
        assertThat(page.headers().firstValue("Strict-Transport-Security")).hasValue("max-age=63072000");
        assertThat(get(client, https("/api/info")).statusCode()).isEqualTo(200);
        var created = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(https("/api/users")))
                .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"email\":\"tls-" + Long.toString(System.nanoTime(), 36) + "@x.test\",\"password\":\"correct-horse-1\"}"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

        // the certificate: for the VIP (IP SAN; Java checks it against the URL's host) and lb.tls_name, from the CA
        javax.net.ssl.SSLSession session = page.sslSession().orElseThrow();
        assertThat(session.getProtocol()).isEqualTo("TLSv1.3");
        var served = (java.security.cert.X509Certificate) session.getPeerCertificates()[0];
        List<String> names = served.getSubjectAlternativeNames().stream().map(n -> n.get(0) + "=" + n.get(1)).toList();
        assertThat(names).containsExactlyInAnyOrder("7=" + topology.network().vip(), "2=" + topology.lb().edge().tlsName());
        java.security.cert.X509Certificate ca;
        try (var in = Files.newInputStream(tlsDir().resolve("ca.crt"))) {
            ca = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        served.verify(ca.getPublicKey());
        served.checkValidity();
        assertThat(served.getBasicConstraints()).as("not a CA").isEqualTo(-1);

        // the DNS name verifies too (openssl, with SNI)
        String byName = openssl(List.of("s_client", "-connect", topology.network().vip() + ":" + topology.lb().edge().httpsPort(),
                "-servername", topology.lb().edge().tlsName(), "-verify_hostname", topology.lb().edge().tlsName(),
                "-CAfile", tlsDir().resolve("ca.crt").toString(), "-verify_return_error"));
        assertThat(byName).contains("Verify return code: 0 (ok)");

        // a client that does not trust the CA refuses the connection
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> get(
                java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build(), https("/")))
                .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);

        // keys are only the owner's
        for (Path key : List.of(tlsDir().resolve("private/ca.key"), tlsDir().resolve("private/server.key"))) {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        }
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(tlsDir().resolve("private"))))
                .isEqualTo("rwx------");
        for (Host lb : topology.hosts(Role.LB)) {
            Path pem = STATE.toRealPath().resolve("hosts/" + lb.name() + "/conf/tls.pem");
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(pem))).isEqualTo("rw-------");
        }
    }

    @Test
    @Order(31)
    void onlyTls12And13WithModernCiphersAreAccepted() throws Exception {
        String vip = topology.network().vip() + ":" + topology.lb().edge().httpsPort();
        String ca = tlsDir().resolve("ca.crt").toString();
        // this openssl client can speak TLS 1.0 and 1.1 (seclevel 0, no system config): shown against a local server
        try (OpensslServer control = OpensslServer.start()) {
            assertThat(openssl(List.of("s_client", "-tls1", "-cipher", "ALL:@SECLEVEL=0", "-connect", control.address())))
                    .contains("Protocol  : TLSv1\n").doesNotContain("Cipher is (NONE)");
        }
        for (String old : List.of("-tls1", "-tls1_1")) {
            String out = openssl(List.of("s_client", old, "-cipher", "ALL:@SECLEVEL=0", "-connect", vip));
            assertThat(out).as(old).contains("alert protocol version").contains("Cipher is (NONE)");
        }
        String weak = openssl(List.of("s_client", "-tls1_2", "-cipher", "AES128-SHA:DES-CBC3-SHA:@SECLEVEL=0", "-connect", vip));
        assertThat(weak).as("TLS 1.2 without forward secrecy").contains("alert handshake failure").contains("Cipher is (NONE)");
        String tls12 = openssl(List.of("s_client", "-tls1_2", "-connect", vip, "-CAfile", ca, "-verify_return_error"));
        assertThat(tls12).contains("Protocol  : TLSv1.2").containsPattern("Cipher is ECDHE-(ECDSA|RSA)-(AES\\d+-GCM|CHACHA20)")
                .contains("Verify return code: 0 (ok)");
        String tls13 = openssl(List.of("s_client", "-tls1_3", "-connect", vip, "-CAfile", ca, "-verify_return_error"));
        assertThat(tls13).contains("New, TLSv1.3").contains("Verify return code: 0 (ok)");
    }

    @Test
    @Order(32)
    void plainHttpIsRedirectedByDefaultNeverTheHealthCheckAndServedWhenSwitchedOff() throws Exception {
        var plain = java.net.http.HttpClient.newBuilder().followRedirects(java.net.http.HttpClient.Redirect.NEVER).build();
        String http = "http://" + topology.network().vip() + (topology.lb().port() == 80 ? "" : ":" + topology.lb().port());
        assertThat(topology.lb().edge().httpsRedirect()).as("on by default").isTrue();
        var page = get(plain, http + "/api/info?x=1");
        assertThat(page.statusCode()).isEqualTo(301);
        assertThat(page.headers().firstValue("Location")).hasValue(https("/api/info?x=1"));
        assertThat(page.headers().firstValue("Strict-Transport-Security")).as("not over HTTP").isEmpty();
        var post = trustingTheCa().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(http + "/api/visits"))
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).as("a write over plain HTTP is not served either").isEqualTo(301);
        assertThat(get(plain, http + "/nginx-health").statusCode()).as("health checks stay on HTTP").isEqualTo(200);
        // switched off: the load balancers' config as up renders it with lb.https_redirect: false, reloaded
        reloadHaproxy(topology.withEdge(new dev.scaleup.topology.Edge(topology.lb().edge().httpsPort(), false,
                topology.lb().edge().rateLimitPer10s(), topology.lb().edge().tlsName(), topology.lb().edge().tlsCert(), topology.lb().edge().tlsKey())));
        try {
            int status = 0;
            for (int i = 0; i < 50 && status != 200; i++) {
                Thread.sleep(200); // the old worker may answer for a moment after the reload
                status = get(plain, http + "/").statusCode();
            }
            assertThat(status).as("plain HTTP served when switched off").isEqualTo(200);
            assertThat(site("/").statusCode()).isEqualTo(200);
        } finally {
            Cli.Run up = Cli.run("up", "-f", FILE.toString(), "--state-dir", STATE.toString());
            assertThat(up.exitCode()).as(up.err()).isZero();
            assertThat(up.out()).contains("reloaded haproxy");
        }
        int status = 0;
        for (int i = 0; i < 50 && status != 301; i++) {
            Thread.sleep(200);
            status = get(plain, http + "/").statusCode();
        }
        assertThat(status).as("redirected again").isEqualTo(301);
    }

    @Test
    @Order(33)
    void theOperatorsOwnCertificateIsServedInstead() throws Exception {
        Path own = WORK.resolve("own");
        Files.createDirectories(own);
        Exec.run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", own.resolve("own.key").toString(), "-out", own.resolve("own.crt").toString(), "-days", "2",
                "-subj", "/CN=own.example", "-addext", "subjectAltName=DNS:own.example")).orThrow();
        // a certificate for a DNS name only, as real ones are: up's own check of the site over HTTPS accepts it because
        // it names lb.tls_name (it does not name the VIP's address)
        Path file = WORK.resolve("own-cert.yaml");
        Files.writeString(file, Files.readString(FILE) + "lb:\n  tls_name: own.example\n  tls_cert: " + own.resolve("own.crt")
                + "\n  tls_key: " + own.resolve("own.key") + "\n");
        try {
            Cli.Run up = Cli.run("up", "-f", file.toString(), "--state-dir", STATE.toString());
            assertThat(up.exitCode()).as(up.err()).isZero();
            assertThat(up.out()).contains("lb1: new certificate in conf/tls.pem; reloaded haproxy")
                    .contains("serves your certificate " + own.resolve("own.crt"));
            // HAProxy's reload is asynchronous: the new worker takes over new connections a moment later
            String served = "";
            for (int i = 0; i < 50 && !served.contains("subject=CN = own.example"); i++) {
                Thread.sleep(200);
                served = openssl(List.of("s_client", "-connect", topology.network().vip() + ":" + topology.lb().edge().httpsPort(),
                        "-CAfile", own.resolve("own.crt").toString(), "-verify_return_error"));
            }
            assertThat(served).contains("subject=CN = own.example").contains("Verify return code: 0 (ok)");
        } finally {
            Cli.Run back = Cli.run("up", "-f", FILE.toString(), "--state-dir", STATE.toString());
            assertThat(back.exitCode()).as(back.err()).isZero();
        }
        var client = trustingTheCa();
        Exception last = null;
        for (int i = 0; i < 50; i++) {
            try {
                assertThat(get(client, https("/")).statusCode()).as("the CA's certificate again").isEqualTo(200);
                last = null;
                break;
            } catch (javax.net.ssl.SSLHandshakeException e) {
                last = e; // the old worker still answers for a moment
                Thread.sleep(200);
            }
        }
        assertThat(last).as("the CA's certificate is served again").isNull();
    }

    /** Renders every load balancer's haproxy.cfg for {@code t} and has HAProxy reload it (USR2 to its master). */
    static void reloadHaproxy(Topology t) throws Exception {
        for (Host lb : t.hosts(Role.LB)) {
            var paths = new dev.scaleup.render.HostPaths(STATE.toRealPath().resolve("hosts").resolve(lb.name()));
            Files.writeString(paths.conf("haproxy.cfg"), dev.scaleup.render.HaproxyConfig.render(t, lb, paths).content());
            String pid = Files.readString(paths.pidFile("haproxy")).strip();
            Exec.run(List.of("kill", "-USR2", pid)).orThrow();
        }
        Thread.sleep(1500);
    }

    /** Runs an openssl command with no system config (so the client offers what it is told to), stdin closed. */
    static String openssl(List<String> args) {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("OPENSSL_CONF", "/dev/null");
        try {
            Process p = builder.start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** openssl s_server on loopback that accepts every protocol version openssl has, for one connection. */
    static final class OpensslServer implements AutoCloseable {
        final Process process;
        final int port;

        private OpensslServer(Process process, int port) {
            this.process = process;
            this.port = port;
        }

        static OpensslServer start() throws Exception {
            Path dir = WORK.resolve("control-server");
            Files.createDirectories(dir);
            Exec.run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    dir.resolve("k.pem").toString(), "-out", dir.resolve("c.pem").toString(), "-days", "1", "-subj", "/CN=control"))
                    .orThrow();
            int port;
            try (var probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            ProcessBuilder builder = new ProcessBuilder("openssl", "s_server", "-accept", "127.0.0.1:" + port,
                    "-cert", dir.resolve("c.pem").toString(), "-key", dir.resolve("k.pem").toString(),
                    "-cipher", "ALL:@SECLEVEL=0", "-naccept", "1").redirectErrorStream(true);
            builder.environment().put("OPENSSL_CONF", "/dev/null");
            Process process = builder.start(); // stdin stays open: s_server ends at its end
            var reader = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream()));
            for (String line = reader.readLine(); line != null && !line.equals("ACCEPT"); line = reader.readLine()) {
                // waiting until it listens
            }
            Thread.ofVirtual().start(() -> {
                try {
                    reader.transferTo(java.io.Writer.nullWriter());
                } catch (IOException ignored) {
                    // it ended
                }
            });
            return new OpensslServer(process, port);
        }

        String address() {
            return "127.0.0.1:" + port;
        }

        @Override
        public void close() {
            process.destroy();
        }
    }

    /** Every server process of the stack: host/process → pid, from status --json. */
    static Map<String, Long> pids() throws IOException {
        Cli.Run status = Cli.run("status", "--json", "--state-dir", STATE.toString());
        Map<String, Long> pids = new java.util.TreeMap<>();
        for (var host : StackIT.JSON.readTree(status.out()).path("hosts")) {
            for (var process : host.path("processes")) {
                pids.put(host.path("name").asText() + "/" + process.path("name").asText(), process.path("pid").asLong());
            }
        }
        return pids;
    }

    static void assertNothingCrashedAndNormalRequestsWork(Map<String, Long> pidsBefore) throws Exception {
        assertThat(pids()).as("the same server processes (none crashed or restarted)").isEqualTo(pidsBefore);
        Cli.Run status = Cli.run("status", "--state-dir", STATE.toString());
        assertThat(status.exitCode()).as(status.out()).isZero();
        assertThat(site("/").statusCode()).isEqualTo(200);
        assertThat(site("/api/info").statusCode()).isEqualTo(200);
        String email = "normal-" + Long.toString(System.nanoTime(), 36) + "@x.test";
        var created = trustingTheCa().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                https("/api/users"))).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"email\":\"" + email + "\",\"password\":\"correct-horse-1\"}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }

    /** The policy, written from the specification (not from the renderer): who may open which port where. */
    static boolean allowed(String source, String targetAddress, int port) {
        Topology t = topology;
        if (targetAddress.equals(t.network().vip().toString())) {
            return port == t.lb().port() || port == t.lb().edge().httpsPort();
        }
        Host target = hostAt(targetAddress);
        boolean fromRoot = source.equals(ROOT);
        Role from = fromRoot ? null : topology.host(source).orElseThrow().role();
        boolean fromMember = !fromRoot && Etcd.members(t).contains(topology.host(source).orElseThrow());
        boolean allowed = switch (target.role()) {
            case LB -> false;
            case WEB -> port == t.web().port() && (from == Role.LB || fromRoot);
            case APP -> port == t.app().port() && (from == Role.WEB || fromRoot);
            case DB -> port == t.db().port() && (from == Role.APP || from == Role.DB)
                    || port == 8008 && (from == Role.DB || fromRoot);
        };
        if (Etcd.members(t).contains(target)) {
            allowed |= port == 2379 && (from == Role.DB || fromMember || fromRoot) || port == 2380 && fromMember;
        }
        return allowed;
    }

    /** Whether a server listens there (else an allowed connect is refused). */
    static boolean listening(String targetAddress, int port) {
        Topology t = topology;
        if (targetAddress.equals(t.network().vip().toString())) {
            return port == t.lb().port() || port == t.lb().edge().httpsPort();
        }
        Host target = hostAt(targetAddress);
        boolean member = Etcd.members(t).contains(target);
        return switch (target.role()) {
            case LB -> false;
            case WEB -> port == t.web().port();
            case APP -> port == t.app().port();
            case DB -> port == t.db().port() || port == 8008;
        } || member && (port == 2379 || port == 2380);
    }

    static TcpProbe.Outcome expected(String source, String target) {
        String address = target.substring(0, target.lastIndexOf(':'));
        int port = Integer.parseInt(target.substring(target.lastIndexOf(':') + 1));
        if (!allowed(source, address, port)) {
            return TcpProbe.Outcome.DROPPED;
        }
        return listening(address, port) ? TcpProbe.Outcome.OPEN : TcpProbe.Outcome.REFUSED;
    }

    static Host hostAt(String address) {
        return topology.hosts().stream().filter(h -> h.address().toString().equals(address)).findFirst().orElseThrow();
    }

    /** Every probe source: the root namespace, then every host. */
    static List<String> sources() {
        List<String> sources = new ArrayList<>(List.of(ROOT));
        for (Role role : Role.values()) {
            topology.hosts(role).forEach(h -> sources.add(h.name()));
        }
        return sources;
    }

    /** Every destination address: the VIP, then every host. */
    static List<String> destinations() {
        List<String> addresses = new ArrayList<>(List.of(topology.network().vip().toString()));
        for (Role role : Role.values()) {
            topology.hosts(role).forEach(h -> addresses.add(h.address().toString()));
        }
        return addresses;
    }

    /** source → (address:port → outcome), every source probing every other host and the VIP on every port. */
    static Map<String, Map<String, TcpProbe.Outcome>> probeAll(int millis) throws Exception {
        Map<String, Map<String, TcpProbe.Outcome>> observed = new ConcurrentHashMap<>();
        Semaphore slots = new Semaphore(3); // a JVM per source; the machine is shared
        String holder = vipHolder();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (String source : sources()) {
                List<String> targets = new ArrayList<>();
                for (String address : destinations()) {
                    if (!source.equals(ROOT) && topology.host(source).orElseThrow().address().toString().equals(address)
                            || source.equals(holder) && address.equals(topology.network().vip().toString())) {
                        continue; // a host to itself (its own address, the VIP it holds) goes over loopback
                    }
                    PORTS.forEach(port -> targets.add(address + ":" + port));
                }
                futures.add(executor.submit(() -> {
                    slots.acquireUninterruptibly();
                    try {
                        observed.put(source, new LinkedHashMap<>(probe(source, targets, millis)));
                    } finally {
                        slots.release();
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        Map<String, Map<String, TcpProbe.Outcome>> ordered = new LinkedHashMap<>();
        sources().forEach(s -> ordered.put(s, observed.get(s)));
        return ordered;
    }

    /** The load balancer that holds the VIP now. */
    static String vipHolder() {
        for (Host lb : topology.hosts(Role.LB)) {
            Exec.Result r = Exec.run(List.of("ip", "-n", topology.name() + "-" + lb.name(), "-4", "-o", "addr", "show", "dev", "eth0"));
            if (r.stdout().contains(" " + topology.network().vip() + "/")) {
                return lb.name();
            }
        }
        return "nobody";
    }

    /** Runs {@link TcpProbe} inside the source's namespace (or here, for the root namespace). */
    static Map<String, TcpProbe.Outcome> probe(String source, List<String> targets, int millis) {
        List<String> command = new ArrayList<>();
        if (!source.equals(ROOT)) {
            command.addAll(List.of("ip", "netns", "exec", topology.name() + "-" + source));
        }
        command.addAll(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-cp", testClasses(), TcpProbe.class.getName(), Integer.toString(millis)));
        command.addAll(targets);
        Exec.Result result = Exec.run(command, Duration.ofSeconds(60), null).orThrow();
        Map<String, TcpProbe.Outcome> outcomes = new LinkedHashMap<>();
        result.stdout().lines().map(l -> l.split(" ")).forEach(f -> outcomes.put(f[0], TcpProbe.Outcome.valueOf(f[1])));
        assertThat(outcomes.keySet()).as("probe output of " + source).containsExactlyElementsOf(targets);
        return outcomes;
    }

    static String testClasses() {
        try {
            return Path.of(TcpProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static String label(String target) {
        String address = target.substring(0, target.lastIndexOf(':'));
        String port = target.substring(target.lastIndexOf(':') + 1);
        return (address.equals(topology.network().vip().toString()) ? "VIP" : hostAt(address).name()) + ":" + port;
    }

    /** Rows: sources; columns: destinations; a cell lists the ports that connected ("-": none). */
    static String matrix(Map<String, Map<String, TcpProbe.Outcome>> observed) {
        List<String> columns = new ArrayList<>();
        for (String address : destinations()) {
            columns.add(address.equals(topology.network().vip().toString()) ? "VIP" : hostAt(address).name());
        }
        List<String[]> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("from \\ to"));
        header.addAll(columns);
        rows.add(header.toArray(String[]::new));
        TreeSet<String> refused = new TreeSet<>();
        for (var entry : observed.entrySet()) {
            List<String> row = new ArrayList<>(List.of(entry.getKey()));
            for (String address : destinations()) {
                List<String> open = new ArrayList<>();
                boolean self = false;
                for (int port : PORTS) {
                    TcpProbe.Outcome o = entry.getValue().get(address + ":" + port);
                    if (o == null) {
                        self = true;
                    } else if (o == TcpProbe.Outcome.OPEN) {
                        open.add(Integer.toString(port));
                    } else if (o != TcpProbe.Outcome.DROPPED) {
                        refused.add(entry.getKey() + " -> " + label(address + ":" + port) + " " + o);
                    }
                }
                row.add(self ? "(self)" : open.isEmpty() ? "-" : String.join(",", open));
            }
            rows.add(row.toArray(String[]::new));
        }
        int[] widths = new int[header.size()];
        rows.forEach(r -> {
            for (int i = 0; i < r.length; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        });
        StringBuilder out = new StringBuilder("Reachability of " + topology.name() + " (TCP connects on ports " + PORTS
                + "; a cell lists the ports that connected, every other probe was dropped):\n");
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                out.append(String.format("%-" + (widths[i] + 2) + "s", r[i]));
            }
            out.setLength(out.length() - 2);
            out.append('\n');
        }
        if (!refused.isEmpty()) {
            out.append("answered but not connected (allowed, nothing listening): ").append(String.join("; ", refused)).append('\n');
        }
        return out.toString();
    }
}
