package dev.scaleup.loadgen;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * The numbers of one run. Counts: {@code requests} are logical requests (what a user asked for), {@code attempts}
 * every request sent (a retry is one more attempt), {@code successes} requests that ended with a 2xx,
 * {@code failedRequests} requests that ended without one (retries exhausted or a final error), {@code errors} every
 * failed attempt by kind (connection_refused, timeout, http_503, …). Latency is that of successful attempts.
 *
 * @param longestGapMs the longest time without any successful request (from the start to the end of the run)
 * @param longestGapFromS when that gap began, seconds since the run started
 */
public record Report(
        String baseUrl,
        String mix,
        int clients,
        int users,
        double seconds,
        long requests,
        long attempts,
        long successes,
        long failedRequests,
        long retries,
        Map<String, Long> errors,
        long http5xx,
        long failedIdempotentRequests,
        long http5xxIdempotent,
        double successesPerSecond,
        Latency latencyMs,
        double longestGapMs,
        double longestGapFromS,
        Transfers transfers,
        Map<String, OpStats> operations) {

    /** Latency of successful attempts, milliseconds. */
    public record Latency(long count, double p50, double p90, double p99, double max, double mean) {
        static Latency of(Histogram h) {
            if (h.getTotalCount() == 0) {
                return new Latency(0, 0, 0, 0, 0, 0);
            }
            return new Latency(h.getTotalCount(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)),
                    ms(h.getValueAtPercentile(99)), ms(h.getMaxValue()), round(h.getMean() / 1000.0));
        }
    }

    /**
     * @param acknowledged answered 201: must be in the database exactly once
     * @param unknown ended without a final answer: in the database at most once
     * @param rejected the first answer was a 4xx: must not be in the database
     * @param replays answers marked Idempotent-Replay (a retry found the transfer already done)
     */
    public record Transfers(long acknowledged, long unknown, long rejected, long replays) {
    }

    public record OpStats(long requests, long attempts, long successes, long failed) {
    }

    static Report of(LoadConfig config, int users, Recorder totals, long durationMicros, Timeline.Gap gap) {
        long acknowledged = 0;
        long unknown = 0;
        long rejected = 0;
        for (TransferRecord t : totals.transfers) {
            switch (t.fate()) {
                case ACKNOWLEDGED -> acknowledged++;
                case UNKNOWN -> unknown++;
                case REJECTED -> rejected++;
            }
        }
        Map<String, OpStats> ops = new LinkedHashMap<>();
        totals.ops.forEach((op, c) -> ops.put(op.label(), new OpStats(c.requests, c.attempts, c.successes, c.failed)));
        double seconds = durationMicros / 1e6;
        return new Report(config.baseUrl().toString(), config.mix().toString(), config.clients(), users,
                round(seconds), totals.requests, totals.attempts, totals.successes, totals.failedRequests,
                totals.retries, new TreeMap<>(totals.errors), totals.http5xx, totals.failedIdempotent,
                totals.http5xxIdempotent, seconds <= 0 ? 0 : round(totals.successes / seconds),
                Latency.of(totals.latency), round(gap.millis()), round(gap.fromMicros() / 1e6),
                new Transfers(acknowledged, unknown, rejected, totals.replays), ops);
    }

    /** Failed attempts of every kind. */
    public long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    public String toJson() {
        return Json.write(this);
    }

    /** A few lines for people. */
    public String summary() {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%d clients for %.1f s against %s (mix %s): %d requests, %d attempts, "
                + "%d retries; %d succeeded, %d failed; %.0f successes/s%n", clients, seconds, baseUrl, mix, requests,
                attempts, retries, successes, failedRequests, successesPerSecond));
        s.append("errors: ").append(errors.isEmpty() ? "none" : errorsText()).append(String.format(Locale.ROOT,
                " (5xx answers %d, failed idempotent requests %d)%n", http5xx, failedIdempotentRequests));
        s.append(String.format(Locale.ROOT, "latency of successes: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                latencyMs.p50(), latencyMs.p99(), latencyMs.max()));
        s.append(String.format(Locale.ROOT, "longest time without a success: %.0f ms (from %.2f s)", longestGapMs,
                longestGapFromS));
        if (transfers.acknowledged() + transfers.unknown() + transfers.rejected() > 0) {
            s.append(String.format(Locale.ROOT, "%ntransfers: %d acknowledged, %d unknown outcome, %d rejected, "
                    + "%d replayed", transfers.acknowledged(), transfers.unknown(), transfers.rejected(),
                    transfers.replays()));
        }
        return s.toString();
    }

    private String errorsText() {
        StringBuilder s = new StringBuilder();
        errors.forEach((k, v) -> s.append(s.isEmpty() ? "" : ", ").append(k).append(' ').append(v));
        return s.toString();
    }

    static double ms(long micros) {
        return round(micros / 1000.0);
    }

    static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
