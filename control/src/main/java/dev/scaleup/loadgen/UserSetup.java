package dev.scaleup.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLContext;

/**
 * Makes the users a run needs through the API: {@code POST /api/users} then {@code POST /api/sessions}, a few at a
 * time, with retries on no answer and 502/503/504, and after the Retry-After of a 429 (the edge's limit of sign-ups
 * and sign-ins per client address; the default leaves a setup of 20 users under it). Each user gets a fresh e-mail address under the run's prefix.
 */
public final class UserSetup {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int ATTEMPTS = 6;
    private static final int TOO_MANY_REQUESTS = 429;
    /** How long one request may be told 429 (and wait as told) before the setup gives up. */
    private static final Duration RATE_LIMITED_WAIT = Duration.ofMinutes(3);

    private UserSetup() {
    }

    /** Creates and signs in {@code count} users; throws {@link LoadException} naming what the API answered. */
    public static List<User> create(URI baseUrl, int count, String prefix, int parallelism) {
        return create(baseUrl, count, prefix, parallelism, null);
    }

    /**
     * As {@link #create(URI, int, String, int)}, checking an https server's certificate against {@code tls} (null:
     * the JDK's default trust store).
     */
    public static List<User> create(URI baseUrl, int count, String prefix, int parallelism, SSLContext tls) {
        if (count < 0 || count > 10_000) {
            throw new IllegalArgumentException("users must be 0..10000, not " + count);
        }
        List<User> users = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
             ExecutorService http = Executors.newVirtualThreadPerTaskExecutor()) {
            java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(Math.max(1, parallelism));
            List<Future<User>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String email = prefix + "-" + i + "@loadgen.test";
                futures.add(executor.submit(() -> {
                    slots.acquire();
                    try (Agent agent = new Agent(Duration.ofSeconds(1), http, tls)) {
                        return createOne(agent, baseUrl, email);
                    } finally {
                        slots.release();
                    }
                }));
            }
            for (Future<User> f : futures) {
                users.add(f.get());
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof LoadException l ? l : new LoadException("user setup failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LoadException("interrupted while creating users");
        }
        return users;
    }

    static User createOne(Agent agent, URI baseUrl, String email) {
        String password = randomPassword();
        String credentials = JSON.createObjectNode().put("email", email).put("password", password).toString();
        JsonNode created = post(agent, baseUrl, "/api/users", credentials, 201);
        JsonNode account = created.path("account_id");
        if (account.isMissingNode() || account.isNull()) {
            throw new LoadException("POST /api/users answered without account_id: " + created);
        }
        JsonNode session = post(agent, baseUrl, "/api/sessions", credentials, 200);
        String token = session.path("token").asText("");
        if (token.isEmpty()) {
            throw new LoadException("POST /api/sessions answered without token: " + session);
        }
        return new User(email, created.path("user_id").asText(), account.asText(), account.isNumber(), token);
    }

    private static JsonNode post(Agent agent, URI baseUrl, String path, String body, int expected) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(TIMEOUT)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        String last = "";
        long rateLimitedUntil = System.nanoTime() + RATE_LIMITED_WAIT.toNanos();
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Agent.Attempt a = agent.send(request, TIMEOUT);
            if (a.status() == TOO_MANY_REQUESTS && System.nanoTime() < rateLimitedUntil) {
                // the edge limits sign-ups and sign-ins per client address: a large setup paces itself, as told
                sleep(1000L * Math.min(Math.max(a.retryAfterSeconds(), 1), 30));
                attempt--;
                continue;
            }
            if (a.status() == expected) {
                try {
                    return JSON.readTree(a.body());
                } catch (Exception e) {
                    throw new LoadException("POST " + path + " answered " + a.status() + " with no JSON: " + a.body());
                }
            }
            last = a.outcomeKey() + (a.body() == null ? "" : " " + abbreviate(a.body()));
            boolean retryable = a.error() != null || Outcomes.isRetryableStatus(a.status());
            if (!retryable) {
                String hint = a.status() == 404 ? " (the app has no such API yet?)" : "";
                throw new LoadException("POST " + baseUrl + path + " answered " + last + hint);
            }
            agent.reset();
            sleep(100L << Math.min(attempt, 4));
        }
        throw new LoadException("POST " + baseUrl + path + " failed " + ATTEMPTS + " times; last: " + last);
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() > 200 ? one.substring(0, 200) + "…" : one;
    }

    private static String randomPassword() {
        byte[] bytes = new byte[15];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LoadException("interrupted");
        }
    }
}
