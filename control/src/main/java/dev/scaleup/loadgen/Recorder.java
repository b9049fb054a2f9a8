package dev.scaleup.loadgen;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/** What one client saw. Each client has its own (no locking on the hot path); they are merged at the end. */
final class Recorder {

    /** Latencies in microseconds, up to an hour, 3 significant digits. */
    static Histogram newHistogram() {
        return new Histogram(3_600_000_000L, 3);
    }

    static final class OpCounts {
        long requests;
        long attempts;
        long successes;
        long failed;
    }

    long requests;
    long attempts;
    long successes;
    long failedRequests;
    long retries;
    long http5xx;
    long failedIdempotent;
    long http5xxIdempotent;
    long replays;
    long reconnects;
    final Map<String, Long> errors = new TreeMap<>();
    final Map<Op, OpCounts> ops = new EnumMap<>(Op.class);
    final Histogram latency = newHistogram();
    /** One entry per successful attempt: when it started and ended (µs since the run started), and if it wrote. */
    final LongList successStarts = new LongList();
    final LongList successEnds = new LongList();
    final LongList successWrites = new LongList();
    final List<TransferRecord> transfers = new ArrayList<>();

    OpCounts op(Op op) {
        return ops.computeIfAbsent(op, o -> new OpCounts());
    }

    void attempt(Op op) {
        attempts++;
        op(op).attempts++;
    }

    void success(Op op, long startMicros, long endMicros) {
        successes++;
        op(op).successes++;
        latency.recordValue(Math.max(0, Math.min(endMicros - startMicros, latency.getHighestTrackableValue())));
        successStarts.add(startMicros);
        successEnds.add(endMicros);
        successWrites.add(op.write() ? 1 : 0);
    }

    void failedAttempt(Op op, String outcomeKey, int status) {
        errors.merge(outcomeKey, 1L, Long::sum);
        if (status >= 500) {
            http5xx++;
            if (op.idempotent()) {
                http5xxIdempotent++;
            }
        }
    }

    void failedRequest(Op op) {
        failedRequests++;
        op(op).failed++;
        if (op.idempotent()) {
            failedIdempotent++;
        }
    }
}
