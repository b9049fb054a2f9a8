package dev.scaleup.drill;

import dev.scaleup.loadgen.LoadResult;
import dev.scaleup.loadgen.Timeline;
import java.util.List;
import java.util.OptionalLong;

/**
 * The moments one drill saw, in microseconds since the load started (null: not seen), and the recovery they add up
 * to once the load is over.
 */
final class Marks {

    /** When the fault began, and when it was complete (an operation: when it ended). */
    Long fault;
    Long faultDone;
    Long restored;
    /** The first moment status called the whole stack healthy after the restore. */
    Long healthy;
    /** The first moment the old primary was a healthy replica (scenarios that await it). */
    Long rejoined;
    Long vipHoldersAfter;
    /** The longest time two load balancers held the VIP at once, in microseconds (scenarios that watch it). */
    Long longestSplitBrain;
    List<String> unhealthyAtEnd = List.of();

    /**
     * Times count from the moment the fault began; "first success after" counts only attempts sent once the fault
     * was complete (an attempt that slipped through while the kill was under way proves nothing).
     */
    Recovery recovery(DrillScenario scenario, LoadResult result, Boolean rolledBack) {
        Double outage = null;
        Double firstSuccess = null;
        Double firstWrite = null;
        Double healthyMs = null;
        Double rejoinMs = null;
        Double operation = null;
        Long served = null;
        Double writeGap = null;
        if (fault != null) {
            writeGap = Timeline.longestGap(writeEnds(result), fault, result.endMicros()).micros() / 1000.0;
            if (scenario.operation() && faultDone != null) {
                operation = (faultDone - fault) / 1000.0;
                long n = 0;
                for (long end : result.successEnds()) {
                    if (end >= fault && end <= faultDone) {
                        n++;
                    }
                }
                served = n;
            }
            outage = Timeline.longestGap(result.successEnds(), fault, result.endMicros()).micros() / 1000.0;
            long done = faultDone == null ? fault : faultDone;
            OptionalLong s = result.firstSuccessAfter(done, false);
            OptionalLong w = result.firstSuccessAfter(done, true);
            firstSuccess = s.isPresent() ? (s.getAsLong() + done - fault) / 1000.0 : null;
            firstWrite = w.isPresent() ? (w.getAsLong() + done - fault) / 1000.0 : null;
            healthyMs = healthy == null ? null : (healthy - fault) / 1000.0;
            rejoinMs = rejoined == null ? null : (rejoined - fault) / 1000.0;
        }
        return new Recovery(outage, result.report().longestGapMs(), firstSuccess, firstWrite, healthyMs,
                healthy != null, vipHoldersAfter, scenario.awaitsOldPrimary() ? rejoined != null : null, rejoinMs,
                healthy != null ? List.of() : unhealthyAtEnd, operation, served, writeGap, rolledBack,
                longestSplitBrain == null ? null : longestSplitBrain / 1000.0);
    }

    /** The ends of the acknowledged writes, sorted (successEnds is). */
    static long[] writeEnds(LoadResult result) {
        long[] ends = result.successEnds();
        boolean[] writes = result.successWrites();
        int n = 0;
        for (boolean w : writes) {
            if (w) {
                n++;
            }
        }
        long[] out = new long[n];
        int k = 0;
        for (int i = 0; i < ends.length; i++) {
            if (writes[i]) {
                out[k++] = ends[i];
            }
        }
        return out;
    }
}
