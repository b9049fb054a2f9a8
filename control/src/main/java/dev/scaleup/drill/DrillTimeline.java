package dev.scaleup.drill;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * When the parts of one drill happen, all under load: the fault at a quarter of the run (2 to 10 s), the restore at
 * 60 % (at least 2 s after the fault; the primary scenarios first wait until writes resume), then the wait until the
 * stack is healthy again and a short tail. The load is capped at the run length plus the health wait plus the
 * scenario's overrun. Pure.
 *
 * @param seconds the nominal run length
 * @param faultAtMicros when the fault is injected, since the load started
 * @param restoreAtMicros the earliest the restore comes
 * @param phases what happens under load, in order
 */
record DrillTimeline(int seconds, long faultAtMicros, long restoreAtMicros, Duration healthWait, Duration loadCap,
                     List<Phase> phases) {

    /** How long the load runs on once the stack is healthy again. */
    static final Duration TAIL = Duration.ofSeconds(3);

    /** The parts of a drill while the load runs. */
    enum Phase {
        /** Waits until the fault's time, then injects it (an operation runs to its end, however long). */
        INJECT,
        /** Waits until the restore's time. */
        HOLD,
        /** Waits until writes resume, at most the scenario's {@link DrillScenario#writesWait()} after the fault. */
        AWAIT_WRITES,
        /**
         * With monitoring, waits until the scenario's expected alerts fire, at most {@link AlertWatch#FIRE_LIMIT}
         * after the fault: the fault stays in place until a pager would have heard of it.
         */
        AWAIT_ALERTS,
        RESTORE,
        /** Waits (bounded) until status calls the whole stack healthy, and the old primary rejoined where awaited. */
        AWAIT_HEALTHY,
        /** Lets the load run on a little, at least to the run's nominal length; skipped when never healthy. */
        TAIL
    }

    DrillTimeline {
        phases = List.copyOf(phases);
    }

    /** @param requestedSeconds the run length asked for; 0: the scenario's default */
    static DrillTimeline of(DrillScenario scenario, int requestedSeconds) {
        return of(scenario, requestedSeconds, false);
    }

    /** @param awaitsAlerts the stack has monitoring and the scenario expects alerts: the restore waits for them */
    static DrillTimeline of(DrillScenario scenario, int requestedSeconds, boolean awaitsAlerts) {
        int seconds = requestedSeconds > 0 ? requestedSeconds : scenario.defaultSeconds();
        long faultAt = Math.round(Math.max(2, Math.min(10, seconds * 0.25)) * 1e6);
        long restoreAt = Math.max(faultAt + 2_000_000, Math.round(seconds * 0.6 * 1e6));
        Duration cap = Duration.ofSeconds(seconds).plus(scenario.healthWait()).plus(scenario.overrun());
        List<Phase> phases = new ArrayList<>(List.of(Phase.INJECT, Phase.HOLD));
        if (!scenario.writesWait().isZero()) {
            phases.add(Phase.AWAIT_WRITES);
        }
        if (awaitsAlerts) {
            phases.add(Phase.AWAIT_ALERTS);
            cap = cap.plus(AlertWatch.FIRE_LIMIT);
        }
        phases.addAll(List.of(Phase.RESTORE, Phase.AWAIT_HEALTHY, Phase.TAIL));
        return new DrillTimeline(seconds, faultAt, restoreAt, scenario.healthWait(), cap, phases);
    }

    /** When the load stops, the stack healthy again at the given time: after the tail, not before the run's end. */
    long stopAtMicros(long healthyMicros) {
        return Math.max(seconds * 1_000_000L, healthyMicros + TAIL.toNanos() / 1000);
    }
}
