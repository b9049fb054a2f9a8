package dev.scaleup.drill;

import dev.scaleup.loadgen.Report;
import java.time.Duration;
import java.util.List;

/**
 * A rolling restart of the db tier: the replicas, a Patroni switchover, then the old primary. The switchover leaves
 * a moment without a primary, in which a write is answered 503 db_unavailable: a client may send a write with a key
 * again, so every request succeeds, but no write without a key is sent.
 */
final class RestartDb extends OperationScenario {

    /**
     * The longest time without an acknowledged write allowed from the start of the operation. In strict synchronous
     * mode (RPO 0, issue 10) the switchover's new primary accepts no commit until a replica streams from it: measured
     * 8.8-12.1 s in fresh-clone CI runs, so a client may run out of attempts then (its outcome is checked: applied at
     * most once). The promise wins over the former "every request succeeds" (see RELIABILITY.md).
     */
    static final double WRITE_GAP_LIMIT_MS = 20_000;

    RestartDb() {
        super("restart-db", "db tier", "scaleup restart db (replicas, switchover, old primary)", "none",
                "never > 20 s without an acknowledged write after the operation began (strict synchronous mode: the "
                        + "switchover's new primary commits nothing until a replica streams from it)");
    }

    @Override
    public Duration healthWait() {
        return DB_HEALTH_WAIT;
    }

    @Override
    public boolean unkeyedWrites() {
        return false;
    }

    @Override
    String run(DrillStack stack) {
        return stack.operations().restart(stack.deployment(), "db");
    }

    @Override
    List<Check> limits(Recovery recovery, Report load) {
        return List.of(Check.below("longest time without an acknowledged write", recovery.longestWriteGapMs(),
                        WRITE_GAP_LIMIT_MS));
    }
}
