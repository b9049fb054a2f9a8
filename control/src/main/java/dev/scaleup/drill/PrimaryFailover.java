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

    /**
     * The longest time without an acknowledged write the primary scenarios allow. 20 s since 2026-12-02 (15 s
     * before): in a fresh-clone CI run db-primary-kill took 15.08 s. The new primary accepted connections 5.9 s after
     * the fault, but the other replica had received WAL the promoted one had not (a diverged replica): Patroni saw it
     * at its second loop, ran pg_rewind and restarted it, and strict synchronous mode held every commit until it
     * streamed again, 9.2 s later, on a machine that ran everything slowly that day (docs/RELIABILITY.md).
     */
    static final double WRITES_LIMIT_MS = 20_000;

    /** The limit's words in a scenario's description. */
    static final String WRITES_LIMIT = "writes resume < " + Math.round(WRITES_LIMIT_MS / 1000) + " s";

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
