package dev.scaleup.loadgen;

import java.util.List;
import java.util.OptionalLong;

/**
 * A finished run: its report, every transfer it asked for with its fate, and the successes on a timeline
 * (µs since the run started; {@code successEnds} sorted, the arrays of starts and writes in the same order).
 */
public record LoadResult(Report report, List<TransferRecord> transfers, long[] successStarts, long[] successEnds,
                         boolean[] successWrites, long endMicros) {

    public List<TransferRecord> transfers(TransferRecord.Fate fate) {
        return transfers.stream().filter(t -> t.fate() == fate).toList();
    }

    /** µs from {@code instantMicros} to the first success (of a write, if asked) whose attempt began after it. */
    public OptionalLong firstSuccessAfter(long instantMicros, boolean writesOnly) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < successStarts.length; i++) {
            if ((!writesOnly || successWrites[i]) && successStarts[i] >= instantMicros && successEnds[i] < best) {
                best = successEnds[i];
            }
        }
        return best == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(best - instantMicros);
    }

    /** The gap without successes that contains the instant (the outage a fault at that instant caused). */
    public Timeline.Gap gapAround(long instantMicros) {
        return Timeline.gapAround(successEnds, instantMicros, endMicros);
    }

    public Timeline.Gap longestGap() {
        return Timeline.longestGap(successEnds, 0, endMicros);
    }
}
