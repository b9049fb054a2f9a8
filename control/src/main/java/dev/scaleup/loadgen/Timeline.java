package dev.scaleup.loadgen;

import java.util.OptionalLong;

/**
 * Computations over the successes of a run, each given as the time its attempt started and the time it completed
 * (microseconds since the run started). Pure.
 */
public final class Timeline {

    private Timeline() {
    }

    /** A stretch of time without any success. */
    public record Gap(long fromMicros, long toMicros) {
        public long micros() {
            return toMicros - fromMicros;
        }

        public double millis() {
            return micros() / 1000.0;
        }
    }

    /**
     * The longest time in [start, end] with no success completing: between two successes, or from start to the first,
     * or from the last to end. {@code ends} must be sorted. With no success at all it is the whole window.
     */
    public static Gap longestGap(long[] ends, long start, long end) {
        long prev = start;
        Gap best = new Gap(start, start);
        for (long t : ends) {
            if (t < start) {
                continue;
            }
            if (t > end) {
                break;
            }
            if (t - prev > best.micros()) {
                best = new Gap(prev, t);
            }
            prev = t;
        }
        if (end - prev > best.micros()) {
            best = new Gap(prev, end);
        }
        return best;
    }

    /**
     * The earliest completion of a success whose attempt started at or after {@code instant}: the first proof that
     * the system worked again after something happened then. Empty when none did.
     */
    public static OptionalLong firstSuccessStartedAfter(long[] starts, long[] ends, long instant) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < starts.length; i++) {
            if (starts[i] >= instant && ends[i] < best) {
                best = ends[i];
            }
        }
        return best == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(best);
    }

    /** The longest gap that contains (or starts at) {@code instant}: the outage a fault caused. */
    public static Gap gapAround(long[] ends, long instant, long end) {
        long before = Long.MIN_VALUE;
        long after = end;
        for (long t : ends) {
            if (t <= instant) {
                before = Math.max(before, t);
            } else {
                after = Math.min(after, t);
            }
        }
        return new Gap(before == Long.MIN_VALUE ? 0 : before, after);
    }
}
