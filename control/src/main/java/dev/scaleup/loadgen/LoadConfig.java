package dev.scaleup.loadgen;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * What a run does. Every run is bounded twice: at most {@code duration} and at most {@code maxRequests} logical
 * requests; retries of the last requests end at most {@code retryGrace} after that.
 *
 * @param baseUrl where requests go, e.g. http://198.18.0.100
 * @param mix the share of each operation
 * @param clients concurrent clients, each one connection at a time (HTTP/1.1 keep-alive)
 * @param duration the run stops starting requests after this
 * @param maxRequests the run stops after this many logical requests
 * @param ratePerSecond target rate of logical requests over all clients; 0 = closed loop (as fast as answers come)
 * @param maxAttempts attempts per logical request (1 = no retry)
 * @param backoffInitial wait before the first retry; doubles each retry
 * @param backoffMax the longest wait between retries
 * @param requestTimeout the longest an attempt may take, connect included
 * @param connectTimeout the longest a TCP connect may take
 * @param retryGrace how long retries of requests started before the end may go on after it
 * @param maxAmountCents transfers move 1..maxAmountCents cents
 * @param keyPrefix prefix of every Idempotency-Key of the run ([A-Za-z0-9_-])
 * @param seed random seed (operations, accounts, amounts)
 * @param tls what an https base URL's certificate is checked against (e.g. the deployment's own CA); null: the
 *            JDK's default trust store
 */
public record LoadConfig(
        URI baseUrl,
        Mix mix,
        int clients,
        Duration duration,
        long maxRequests,
        double ratePerSecond,
        int maxAttempts,
        Duration backoffInitial,
        Duration backoffMax,
        Duration requestTimeout,
        Duration connectTimeout,
        Duration retryGrace,
        int maxAmountCents,
        String keyPrefix,
        long seed,
        SSLContext tls) {

    public static final int DEFAULT_CLIENTS = 8;
    public static final int DEFAULT_USERS = 20;

    public LoadConfig {
        requireNonNull(baseUrl, "baseUrl is null");
        requireNonNull(mix, "mix is null");
        requireNonNull(duration, "duration is null");
        if (clients < 1 || clients > 256) {
            throw new IllegalArgumentException("clients must be 1..256, not " + clients);
        }
        if (duration.isNegative() || duration.isZero() || duration.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("duration must be more than 0 and at most 1 h, not " + duration);
        }
        if (maxRequests < 1) {
            throw new IllegalArgumentException("maxRequests must be at least 1, not " + maxRequests);
        }
        if (ratePerSecond < 0) {
            throw new IllegalArgumentException("ratePerSecond must not be negative");
        }
        if (maxAttempts < 1 || maxAttempts > 20) {
            throw new IllegalArgumentException("maxAttempts must be 1..20, not " + maxAttempts);
        }
        if (maxAmountCents < 1) {
            throw new IllegalArgumentException("maxAmountCents must be at least 1");
        }
        if (!keyPrefix.matches("[A-Za-z0-9_-]{1,60}")) {
            throw new IllegalArgumentException("keyPrefix must match [A-Za-z0-9_-]{1,60}, not '" + keyPrefix + "'");
        }
    }

    /** 8 clients, the drill mix, 20 s and 1,000,000 requests at most, 6 attempts with backoff 50 ms → 1 s, 2 s per attempt. */
    public static LoadConfig defaults(URI baseUrl) {
        return new LoadConfig(baseUrl, Mix.drill(), DEFAULT_CLIENTS, Duration.ofSeconds(20), 1_000_000, 0, 6,
                Duration.ofMillis(50), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(1),
                Duration.ofSeconds(15), 100, "lg-" + Long.toString(System.nanoTime() & 0xffffffffL, 36),
                System.nanoTime(), null);
    }

    /** Checks an https base URL's certificate against {@code context} (null: the JDK's default trust store). */
    public LoadConfig withTls(SSLContext context) {
        return new LoadConfig(baseUrl, mix, clients, duration, maxRequests, ratePerSecond, maxAttempts, backoffInitial,
                backoffMax, requestTimeout, connectTimeout, retryGrace, maxAmountCents, keyPrefix, seed, context);
    }

    public LoadConfig withBaseUrl(URI url) {
        return new LoadConfig(url, mix, clients, duration, maxRequests, ratePerSecond, maxAttempts, backoffInitial,
                backoffMax, requestTimeout, connectTimeout, retryGrace, maxAmountCents, keyPrefix, seed, tls);
    }

    public LoadConfig withMix(Mix m) {
        return new LoadConfig(baseUrl, m, clients, duration, maxRequests, ratePerSecond, maxAttempts, backoffInitial,
                backoffMax, requestTimeout, connectTimeout, retryGrace, maxAmountCents, keyPrefix, seed, tls);
    }

    public LoadConfig withClients(int c) {
        return new LoadConfig(baseUrl, mix, c, duration, maxRequests, ratePerSecond, maxAttempts, backoffInitial,
                backoffMax, requestTimeout, connectTimeout, retryGrace, maxAmountCents, keyPrefix, seed, tls);
    }

    public LoadConfig withDuration(Duration d) {
        return new LoadConfig(baseUrl, mix, clients, d, maxRequests, ratePerSecond, maxAttempts, backoffInitial,
                backoffMax, requestTimeout, connectTimeout, retryGrace, maxAmountCents, keyPrefix, seed, tls);
    }

    public LoadConfig withMaxRequests(long n) {
        return new LoadConfig(baseUrl, mix, clients, duration, n, ratePerSecond, maxAttempts, backoffInitial,
                backoffMax, requestTimeout, connectTimeout, retryGrace, maxAmountCents, keyPrefix, seed, tls);
    }

    public LoadConfig withRate(double perSecond) {
        return new LoadConfig(baseUrl, mix, clients, duration, maxRequests, perSecond, maxAttempts, backoffInitial,
                backoffMax, requestTimeout, connectTimeout, retryGrace, maxAmountCents, keyPrefix, seed, tls);
    }

    public LoadConfig withMaxAttempts(int n) {
        return new LoadConfig(baseUrl, mix, clients, duration, maxRequests, ratePerSecond, n, backoffInitial,
                backoffMax, requestTimeout, connectTimeout, retryGrace, maxAmountCents, keyPrefix, seed, tls);
    }

    public LoadConfig withKeyPrefix(String prefix) {
        return new LoadConfig(baseUrl, mix, clients, duration, maxRequests, ratePerSecond, maxAttempts, backoffInitial,
                backoffMax, requestTimeout, connectTimeout, retryGrace, maxAmountCents, prefix, seed, tls);
    }

    public LoadConfig withTimeouts(Duration request, Duration connect) {
        return new LoadConfig(baseUrl, mix, clients, duration, maxRequests, ratePerSecond, maxAttempts, backoffInitial,
                backoffMax, request, connect, retryGrace, maxAmountCents, keyPrefix, seed, tls);
    }

    public LoadConfig withRetryGrace(Duration grace) {
        return new LoadConfig(baseUrl, mix, clients, duration, maxRequests, ratePerSecond, maxAttempts, backoffInitial,
                backoffMax, requestTimeout, connectTimeout, grace, maxAmountCents, keyPrefix, seed, tls);
    }

    /** The wait before attempt number {@code attempt} (2 = the first retry): initial × 2^(attempt-2), at most max. */
    public Duration backoff(int attempt) {
        if (attempt < 2) {
            return Duration.ZERO;
        }
        long millis = backoffInitial.toMillis() << Math.min(20, attempt - 2);
        return Duration.ofMillis(Math.min(millis, backoffMax.toMillis()));
    }
}
