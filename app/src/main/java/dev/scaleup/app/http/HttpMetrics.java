package dev.scaleup.app.http;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code http_server_requests_seconds} by method, route template (e.g. {@code /api/posts/{id}}, never the raw path,
 * so an attacker cannot blow up the number of series) and status, with a histogram for latency percentiles.
 */
public final class HttpMetrics {

    static final String NAME = "http.server.requests";
    static final String UNMATCHED = "unmatched";
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    private final MeterRegistry registry;
    private final ConcurrentMap<String, Timer> timers = new ConcurrentHashMap<>();

    public HttpMetrics(MeterRegistry registry) {
        this.registry = requireNonNull(registry, "registry is null");
    }

    void record(String method, String route, int status, long durationNanos) {
        String m = METHODS.contains(method) ? method : "OTHER";
        String r = route == null ? UNMATCHED : route;
        String s = String.valueOf(status);
        timers.computeIfAbsent(m + ' ' + r + ' ' + s, k -> Timer.builder(NAME)
                        .description("HTTP requests by method, route template and status")
                        .tag("method", m)
                        .tag("route", r)
                        .tag("status", s)
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(1))
                        .maximumExpectedValue(Duration.ofSeconds(10))
                        .register(registry))
                .record(durationNanos, TimeUnit.NANOSECONDS);
    }
}
