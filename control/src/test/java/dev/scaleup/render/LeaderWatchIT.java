package dev.scaleup.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.scaleup.topology.Topology;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rendered {@code leader-watch.py}, run by python3 as Patroni's command line runs it, against a real etcd (v2 API,
 * as the stack's) holding a leader key that is renewed, then left to expire, then made again and deleted. In place
 * of Patroni's REST API, an HTTP server on loopback records what the watch sends. The first etcd member in the
 * watch's list listens nowhere, so the watch must move to the next.
 */
class LeaderWatchIT {

    private static final Topology T = Fixtures.defaultTopology();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    record Patch(long atMillis, String path, String authorization, String body) {
    }

    @Test
    void wakesPatroniOnceWhenTheLeaderKeyExpiresOrIsDeletedAndNeverWhileItIsRenewed(@TempDir Path tmp) throws Exception {
        int client = freePort();
        int peer = freePort();
        int dead = freePort();
        Process etcd = new ProcessBuilder("/usr/bin/etcd", "--name", "t", "--data-dir", tmp.resolve("etcd").toString(),
                "--listen-client-urls", "http://127.0.0.1:" + client, "--advertise-client-urls", "http://127.0.0.1:" + client,
                "--listen-peer-urls", "http://127.0.0.1:" + peer, "--initial-advertise-peer-urls", "http://127.0.0.1:" + peer,
                "--initial-cluster", "t=http://127.0.0.1:" + peer, "--enable-v2=true", "--log-level", "warn")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("etcd.log").toFile()).start();
        List<Patch> patches = new CopyOnWriteArrayList<>();
        HttpServer patroni = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        patroni.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (exchange.getRequestMethod().equals("PATCH")) {
                patches.add(new Patch(System.currentTimeMillis(), exchange.getRequestURI().getPath(),
                        exchange.getRequestHeaders().getFirst("Authorization"), body));
            }
            byte[] answer = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        patroni.start();
        Process watch = null;
        try {
            String etcdUrl = "http://127.0.0.1:" + client + "/v2/keys/scaleup/scaleup/leader";
            awaitEtcd(etcdUrl);
            Path yml = Files.writeString(tmp.resolve("patroni.yml"), """
                    scope: scaleup
                    namespace: /scaleup/
                    name: db2
                    restapi:
                      listen: 127.0.0.1:%1$d
                      connect_address: 127.0.0.1:%1$d
                      authentication:
                        username: patroni
                        password: pw
                    etcd:
                      hosts:
                      - 127.0.0.1:%2$d
                      - 127.0.0.1:%3$d
                      protocol: http
                    """.formatted(patroni.getAddress().getPort(), dead, client));
            Path script = Files.writeString(tmp.resolve(LeaderWatch.FILE),
                    LeaderWatch.render(T, Fixtures.host(T, "db2")).content());
            watch = new ProcessBuilder("/usr/bin/python3", script.toString(), yml.toString()).redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("watch.log").toFile()).start();

            // a leader that renews its key every 0.5 s (ttl 4 s, so a stall of this thread does not expire it): no
            // wake
            put(etcdUrl, "value=db1&ttl=4&prevExist=false");
            for (int i = 0; i < 6; i++) {
                Thread.sleep(500);
                put(etcdUrl, "value=db1&ttl=4&prevValue=db1");
            }
            assertThat(patches).as("wakes while the key is renewed; watch log:\n" + log(tmp)).isEmpty();
            assertThat(log(tmp)).contains("leader-watch: watching /scaleup/scaleup/leader on 127.0.0.1:" + dead
                    + ", 127.0.0.1:" + client);

            // the last renewal (ttl 2 s), then none: one wake, soon after the expiry (etcd expires keys every 0.5 s),
            // and before the watch's own quorum read after 5 s without an event would have found it
            long lastRenewal = System.currentTimeMillis();
            put(etcdUrl, "value=db1&ttl=2&prevValue=db1");
            awaitPatches(patches, 1, Duration.ofSeconds(6), tmp);
            Patch expired = patches.get(0);
            assertThat(expired.atMillis() - lastRenewal).as("ms from the last renewal to the wake")
                    .isBetween(1_900L, 4_500L);
            assertThat(expired.path()).isEqualTo("/config");
            assertThat(expired.body()).isEqualTo("{\"postgresql\":{}}");
            assertThat(expired.authorization()).isEqualTo("Basic "
                    + Base64.getEncoder().encodeToString("patroni:pw".getBytes(StandardCharsets.UTF_8)));
            assertThat(log(tmp)).contains("db2 INFO: leader-watch: the leader key expired (etcd: expire): waking Patroni");

            // a new leader takes the key, then releases it (Patroni deletes it with prevValue): one more wake
            put(etcdUrl, "value=db3&ttl=30&prevExist=false");
            Thread.sleep(500);
            assertThat(patches).hasSize(1);
            send(HttpRequest.newBuilder(URI.create(etcdUrl + "?prevValue=db3")).DELETE().build());
            awaitPatches(patches, 2, Duration.ofSeconds(3), tmp);
            assertThat(log(tmp)).contains("leader-watch: the leader key was deleted (etcd: compareAndDelete)");
            Thread.sleep(700);
            assertThat(patches).as("one wake per loss of the key").hasSize(2);
            assertThat(watch.isAlive()).as("the watch keeps running; its log:\n" + log(tmp)).isTrue();
        } finally {
            if (watch != null) {
                watch.destroyForcibly().waitFor();
            }
            patroni.stop(0);
            etcd.destroyForcibly().waitFor();
        }
    }

    private static void awaitEtcd(String url) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                int status = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 404 || status == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("etcd did not answer at " + url);
            }
            Thread.sleep(100);
        }
    }

    private static void put(String url, String form) throws Exception {
        send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .PUT(HttpRequest.BodyPublishers.ofString(form)).build());
    }

    private static void send(HttpRequest request) throws Exception {
        HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(request.method() + " " + request.uri() + ": " + r.body()).isBetween(200, 201);
    }

    private static void awaitPatches(List<Patch> patches, int count, Duration timeout, Path tmp) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (patches.size() < count && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(patches).as("wakes; watch log:\n" + log(tmp)).hasSize(count);
    }

    private static String log(Path tmp) throws IOException {
        Path log = tmp.resolve("watch.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
