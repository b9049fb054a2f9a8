package dev.scaleup.drill;

import dev.scaleup.loadgen.Report;
import dev.scaleup.ops.Status;
import dev.scaleup.topology.Host;
import java.time.Duration;
import java.util.List;

/**
 * A fault on the primary: Patroni must promote the synchronous replica. The restore waits until writes resume (or
 * their limit passed, plus a margin), so the failover is measured before the old primary can come back; the drill
 * then also waits until the old primary has rejoined as a replica.
 */
abstract class PrimaryFailover extends FaultScenario {

    /** The longest time without an acknowledged write the primary scenarios allow. */
    static final double WRITES_LIMIT_MS = 15_000;

    PrimaryFailover(String name, String fault, String restore, String limit) {
        super(name, fault, restore, limit);
    }

    @Override
    public int defaultSeconds() {
        return 40;
    }

    @Override
    public Duration healthWait() {
        return DB_HEALTH_WAIT;
    }

    /** The wait for writes below can keep the load running up to 35 s after the fault. */
    @Override
    public Duration overrun() {
        return Duration.ofSeconds(40);
    }

    @Override
    public Duration writesWait() {
        return Duration.ofMillis((long) WRITES_LIMIT_MS).plusSeconds(5);
    }

    @Override
    public boolean awaitsOldPrimary() {
        return true;
    }

    @Override
    final Host target(DrillStack stack, Status.Report status) {
        return stack.db().primary(status);
    }

    @Override
    List<Check> limits(Recovery recovery, Report load) {
        return List.of(writesResume(recovery));
    }

    /** The longest time without an acknowledged write this scenario allows. */
    double writesLimitMs() {
        return WRITES_LIMIT_MS;
    }

    Check writesResume(Recovery recovery) {
        return Check.below("writes resume after the fault", recovery.faultToFirstWriteMs(), writesLimitMs());
    }
}
