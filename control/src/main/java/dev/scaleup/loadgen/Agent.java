package dev.scaleup.loadgen;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;

/**
 * One client's HTTP/1.1 connection (keep-alive), as a browser or a mobile app holds one. After a failed attempt the
 * client drops it and connects afresh, so a connection to a dead or moved server never poisons the next request.
 * Every attempt is bounded by the request timeout, also when the network swallows packets.
 */
final class Agent implements AutoCloseable {

    /**
     * What one attempt got: a status (and body), or an error kind. Times are System.nanoTime(). retryAfterSeconds:
     * the answer's Retry-After in seconds (a 429), or -1.
     */
    record Attempt(long startNanos, long endNanos, int status, ErrorKind error, String body, boolean replay,
                   int retryAfterSeconds) {
        boolean success() {
            return error == null && Outcomes.isSuccess(status);
        }

        /** The key errors are counted under: http_503, connection_refused, … */
        String outcomeKey() {
            return error != null ? error.label() : Outcomes.statusKey(status);
        }

        long micros() {
            return (endNanos - startNanos) / 1000;
        }
    }

    private final Duration connectTimeout;
    private final Executor executor;
    private final SSLContext tls;
    private HttpClient client;
    private int connections;

    /** @param tls what an https server's certificate is checked against; null: the JDK's default trust store */
    Agent(Duration connectTimeout, Executor executor, SSLContext tls) {
        this.connectTimeout = connectTimeout;
        this.executor = executor;
        this.tls = tls;
    }

    private HttpClient client() {
        if (client == null) {
            HttpClient.Builder builder = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(connectTimeout)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .executor(executor);
            if (tls != null) {
                builder.sslContext(tls);
            }
            client = builder.build();
            connections++;
        }
        return client;
    }

    /** Sends once. Never throws for network trouble: that is an outcome too. */
    Attempt send(HttpRequest request, Duration timeout) {
        long start = System.nanoTime();
        CompletableFuture<HttpResponse<String>> future;
        try {
            future = client().sendAsync(request, HttpResponse.BodyHandlers.ofString());
        } catch (RuntimeException e) {
            return new Attempt(start, System.nanoTime(), -1, Outcomes.classify(e), null, false, -1);
        }
        try {
            // the request's own timeout covers the wait for the response head; this one bounds the whole exchange
            HttpResponse<String> response = future.get(timeout.toMillis() + 250, TimeUnit.MILLISECONDS);
            boolean replay = response.headers().firstValue("Idempotent-Replay").map("true"::equalsIgnoreCase).orElse(false);
            int retryAfter = response.headers().firstValue("Retry-After").filter(v -> v.matches("[0-9]{1,4}"))
                    .map(Integer::parseInt).orElse(-1);
            return new Attempt(start, System.nanoTime(), response.statusCode(), null, response.body(), replay,
                    retryAfter);
        } catch (ExecutionException e) {
            return new Attempt(start, System.nanoTime(), -1, Outcomes.classify(e.getCause() == null ? e : e.getCause()),
                    null, false, -1);
        } catch (TimeoutException e) {
            future.cancel(true);
            return new Attempt(start, System.nanoTime(), -1, ErrorKind.TIMEOUT, null, false, -1);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            return new Attempt(start, System.nanoTime(), -1, ErrorKind.IO_ERROR, null, false, -1);
        }
    }

    /** Drops the connection(s): the next attempt connects afresh. */
    void reset() {
        if (client != null) {
            client.shutdownNow();
            client = null;
        }
    }

    /** How many times this agent has (re)connected. */
    int connections() {
        return connections;
    }

    @Override
    public void close() {
        reset();
    }
}
