package dev.scaleup.loadgen;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLContext;

/**
 * A password-guessing flood: {@code clients} clients, each sending {@code POST /api/sessions} with a wrong password
 * again as soon as it has an answer (no pause, no back-off, whatever the answer: an attacker honours no Retry-After),
 * until {@link #stop}. The e-mail address belongs to nobody, which costs the app as much as a wrong password does (it
 * hashes a dummy to give nothing away). Counts the answers by status or error.
 */
public final class LoginFlood {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final URI baseUrl;
    private final int clients;
    private final SSLContext tls;
    private final String body;
    private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    private volatile boolean running;
    private ExecutorService threads;
    private ExecutorService http;

    /** @param tls what the VIP's certificate is checked against (null: the JDK's trust store) */
    public LoginFlood(URI baseUrl, int clients, String email, SSLContext tls) {
        this.baseUrl = requireNonNull(baseUrl, "baseUrl is null");
        if (clients < 1) {
            throw new IllegalArgumentException("clients < 1");
        }
        this.clients = clients;
        this.tls = tls;
        this.body = Json.MAPPER.createObjectNode().put("email", requireNonNull(email, "email is null"))
                .put("password", "not-the-password").toString();
    }

    public void start() {
        running = true;
        threads = Executors.newVirtualThreadPerTaskExecutor();
        http = Executors.newVirtualThreadPerTaskExecutor();
        for (int i = 0; i < clients; i++) {
            threads.submit(this::client);
        }
    }

    private void client() {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/api/sessions")).timeout(TIMEOUT)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try (Agent agent = new Agent(Duration.ofSeconds(1), http, tls)) {
            while (running) {
                Agent.Attempt attempt = agent.send(request, TIMEOUT);
                outcomes.computeIfAbsent(attempt.outcomeKey(), k -> new LongAdder()).increment();
                if (attempt.error() != null) {
                    agent.reset();
                }
            }
        }
    }

    /** Stops every client (each after its request in flight) and returns the answers they got, by outcome. */
    public Map<String, Long> stop() {
        running = false;
        threads.shutdown();
        try {
            if (!threads.awaitTermination(TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS)) {
                threads.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            threads.shutdownNow();
        }
        http.shutdownNow();
        Map<String, Long> counts = new TreeMap<>();
        outcomes.forEach((key, n) -> counts.put(key, n.sum()));
        return counts;
    }
}
