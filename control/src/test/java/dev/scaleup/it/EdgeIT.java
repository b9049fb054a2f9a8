package dev.scaleup.it;

import static dev.scaleup.it.HostileRequests.H;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.it.HostileRequests.Hostile;
import dev.scaleup.runtime.Exec;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hostile input at the edge: malformed, oversized and smuggled requests, slow clients, the rate limit, the headers of
 * every answer, a symbolic link in the site (the shared secit stack; docs/SECURITY.md). The rate limit is switched on
 * for its test only.
 */
class EdgeIT {

    @RegisterExtension
    static final TestStack STACK = TestStack.SECIT;

    private final Topology topology = STACK.topology();

    @Test
    void hostileRequestsAreRefusedAndNothingCrashes() throws Exception {
        Map<String, Long> pidsBefore = STACK.pids();
        List<String> rows = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        for (Hostile h : HostileRequests.corpus()) {
            RawHttp.Exchange x = RawHttp.exchange(topology.network().vip().toString(),
                    h.plain() ? topology.lb().port() : topology.lb().edge().httpsPort(), h.request(), 1500, h.plain() ? null : STACK.tls());
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
        Files.writeString(STACK.work().resolve("hostile.txt"), table);
        assertThat(wrong).as(table).isEmpty();
        assertNothingCrashedAndNormalRequestsWork(pidsBefore);
    }

    @Test
    void slowClientsAreCutOffAfterFiveSecondsWhileOthersAreServed() throws Exception {
        Map<String, Long> pidsBefore = STACK.pids();
        List<Future<String>> slow = new ArrayList<>();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 4; i++) {
                slow.add(executor.submit(() -> trickle("GET / HTTP/1.1\r\n" + H, "X-Slow: x\r\n")));
            }
            slow.add(executor.submit(() -> trickle("POST /api/visits HTTP/1.1\r\n" + H + "Content-Length: 100\r\n\r\n", "a")));
            Thread.sleep(2000);
            long start = System.nanoTime();
            assertThat(STACK.get("/").statusCode()).isEqualTo(200);
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
    private String trickle(String head, String drip) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new java.net.InetSocketAddress(topology.network().vip().toString(), topology.lb().port()), 2000);
            long start = System.nanoTime();
            socket.getOutputStream().write(RawHttp.bytes(head));
            socket.setSoTimeout(1000);
            for (int i = 0; i < 12; i++) {
                try {
                    socket.getOutputStream().write(RawHttp.bytes(drip));
                } catch (SocketException e) {
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
                            StandardCharsets.ISO_8859_1);
                    return answer.startsWith("HTTP/1.1 408") ? "cut off with 408 after " + ms + " ms"
                            : "answered " + answer.strip() + " after " + ms + " ms";
                } catch (SocketTimeoutException e) {
                    // still waiting: drip again
                } catch (SocketException e) {
                    return "cut off (reset) after " + (System.nanoTime() - start) / 1_000_000 + " ms";
                }
            }
            return "never cut off: still open after " + (System.nanoTime() - start) / 1_000_000 + " ms";
        }
    }

    @Test
    void theRateLimitAnswers429WhenOnAndNothingWhenOff() throws Exception {
        assertThat(Files.readString(STACK.file())).as("the test adds an lb: section").doesNotContain("lb:");
        try (TestStack.Change on = STACK.upWith("lb:\n  rate_limit_per_10s: 40\n")) {
            assertThat(on.up().exitCode()).as(on.up().err()).isZero();
            assertThat(on.up().out()).contains("reloaded haproxy");
            // HAProxy's reload is asynchronous: let the new worker take over, and count on new connections only,
            // which the new worker accepts (the old one answers on the connections it already has)
            Thread.sleep(1000);
            List<Integer> codes = new ArrayList<>();
            try (HttpClient fresh = STACK.newHttpsClient()) {
                for (int i = 0; i < 60; i++) {
                    codes.add(STACK.get(fresh, "/").statusCode());
                }
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
                    "/dev/null", "-w", "%{http_code}", "--cacert", STACK.ca().toString(), STACK.site("/")));
            assertThat(other.stdout()).isEqualTo("200");
        }
        Thread.sleep(1000); // the reload without the limit, as above
        try (HttpClient fresh = STACK.newHttpsClient()) {
            for (int i = 0; i < 60; i++) {
                assertThat(STACK.get(fresh, "/").statusCode()).as("no limit by default").isEqualTo(200);
            }
        }
    }

    @Test
    void answersCarrySecurityHeadersAndNoServerVersion() throws Exception {
        for (String path : List.of("/", "/app.js", "/api/info", "/no-such-page")) {
            var response = STACK.get(path);
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
                    STACK.tls());
            assertThat(x.headers().get(0)).doesNotContainPattern("server: .*\\d");
            assertThat(x.bodies().get(0)).doesNotContainPattern("nginx/\\d|HAProxy/?\\d");
        }
    }

    @Test
    void aSymbolicLinkInTheSiteIsNotFollowed() throws Exception {
        List<Path> links = new ArrayList<>();
        try {
            for (Host web : topology.hosts(Role.WEB)) {
                Path link = STACK.real().resolve("hosts/" + web.name() + "/site/leak.txt");
                Files.createSymbolicLink(link, Path.of("/etc/passwd"));
                links.add(link);
            }
            for (int i = 0; i < 2 * links.size(); i++) { // every web host answers once or more
                var response = STACK.get("/leak.txt");
                assertThat(response.statusCode()).as("refused (try_files sees no file)").isIn(403, 404);
                assertThat(response.body()).doesNotContain("root:");
            }
        } finally {
            for (Path link : links) {
                Files.deleteIfExists(link);
            }
        }
    }

    private static void assertNothingCrashedAndNormalRequestsWork(Map<String, Long> pidsBefore) throws Exception {
        assertThat(STACK.pids()).as("the same server processes (none crashed or restarted)").isEqualTo(pidsBefore);
        Cli.Run status = STACK.cli("status");
        assertThat(status.exitCode()).as(status.out()).isZero();
        assertThat(STACK.get("/").statusCode()).isEqualTo(200);
        assertThat(STACK.get("/api/info").statusCode()).isEqualTo(200);
        String email = "normal-" + Long.toString(System.nanoTime(), 36) + "@x.test";
        var created = STACK.https().send(HttpRequest.newBuilder(URI.create(STACK.site("/api/users")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email + "\",\"password\":\"correct-horse-1\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }
}
