package dev.scaleup.runtime;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits until a check passes. Gives up early when the process it waits for has died, and a timeout names what
 * it waited for.
 */
public final class Readiness {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofMillis(500))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    private Readiness() {
    }

    /** Thrown when a wait ends without the check passing. */
    public static final class NotReadyException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public NotReadyException(String message) {
            super(message);
        }
    }

    /**
     * Polls {@code check} until it passes. Throws when {@code alive} turns false or the timeout expires.
     *
     * @param what a phrase for messages, e.g. "app1 GET http://198.18.0.41:8080/readyz = 200"
     */
    public static Duration await(String what, Duration timeout, BooleanSupplier check, BooleanSupplier alive) {
        long start = System.nanoTime();
        long end = start + timeout.toNanos();
        long sleepMillis = 20;
        while (true) {
            if (check.getAsBoolean()) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            if (!alive.getAsBoolean()) {
                // one last look: the process may have finished its work and left
                if (check.getAsBoolean()) {
                    return Duration.ofNanos(System.nanoTime() - start);
                }
                throw new NotReadyException("gave up waiting for " + what + ": the process has exited");
            }
            if (System.nanoTime() > end) {
                throw new NotReadyException("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            sleep(sleepMillis);
            sleepMillis = Math.min(200, sleepMillis * 2);
        }
    }

    public static boolean tcpOpen(String address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The HTTP status of a GET, or -1 when there was no answer. */
    public static int httpStatus(String url, Duration timeout) {
        return httpStatus(HTTP, url, timeout);
    }

    /** The HTTP status of a GET sent with {@code client} (e.g. one trusting a deployment's CA), or -1. */
    public static int httpStatus(HttpClient client, String url, Duration timeout) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build();
            return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** A GET's status and the start of its body; status -1 (and an empty body) when there was no answer. */
    public record Answer(int status, String body) {
    }

    /** The status and up to 300 characters of the body of a GET, so a refusal can say why. */
    public static Answer httpAnswer(String url, Duration timeout) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build();
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            String body = response.body() == null ? "" : response.body().strip();
            return new Answer(response.statusCode(), body.length() > 300 ? body.substring(0, 300) + "..." : body);
        } catch (IOException e) {
            return new Answer(-1, "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(-1, "");
        }
    }

    public static boolean httpOk(String url) {
        return httpStatus(url, Duration.ofSeconds(2)) == 200;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotReadyException("interrupted");
        }
    }
}
