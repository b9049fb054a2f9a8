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

    /** The longest time without an acknowledged write allowed from the start of the operation. */
    static final double WRITE_GAP_LIMIT_MS = 10_000;

    RestartDb() {
        super("restart-db", "db tier", "scaleup restart db (replicas, switchover, old primary)", "none",
                "every request succeeds (client retries allowed); never > 10 s without an acknowledged write after the "
                        + "operation began");
    }

    @Override
    public boolean mayMovePrimary() {
        return true;
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
        return List.of(Limits.noFailedRequest(load),
                Check.below("longest time without an acknowledged write", recovery.longestWriteGapMs(),
                        WRITE_GAP_LIMIT_MS));
    }
}
