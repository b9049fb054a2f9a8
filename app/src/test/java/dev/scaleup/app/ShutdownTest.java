package dev.scaleup.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Shutdown turns readiness to 503 at once and lets a request in flight finish. */
class ShutdownTest {

    @Test
    void drainsInFlightRequestsBeforeStopping() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        App app = App.start(AppWithoutDatabaseTest.DEAD_DB.withPort(0), new PrintStream(out, true,
                StandardCharsets.UTF_8));
        TestHttp http = new TestHttp(app.port());
        // /api/info against a dead database waits for the pool's 2 s connection timeout: a slow in-flight request
        CompletableFuture<TestHttp.Response> slow = CompletableFuture.supplyAsync(() -> http.get("/api/info"));
        Thread.sleep(300);

        long start = System.nanoTime();
        CompletableFuture<Void> shutdown = CompletableFuture.runAsync(app::shutdown);
        Thread.sleep(200);
        TestHttp.Response ready = http.get("/readyz");
        // a loaded machine may start the shutdown's thread later: ask again for a moment
        for (int i = 0; i < 5 && !"draining".equals(ready.text("reason")); i++) {
            Thread.sleep(100);
            ready = http.get("/readyz");
        }
        TestHttp.Response slowResponse = slow.get(10, TimeUnit.SECONDS);
        shutdown.get(15, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.text("reason")).isEqualTo("draining");
        assertThat(slowResponse.status()).isEqualTo(503);
        assertThat(slowResponse.text("error")).isEqualTo("db_unavailable");
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(1_000));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("app test-app draining").contains(
                "app test-app stopped after");
    }
}
