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
     * The longest time without an acknowledged write the primary scenarios allow: 12 s. Sixteen fresh-clone CI runs
     * (2026-12-03/04) measured db-primary-partition 6.46-8.75 s and db-primary-power-cut (on the servers) 6.47-9.00 s;
     * 11 s, tried for a day, left a slow CI machine too little margin. db-primary-kill has its own, lower limit
     * ({@link DbPrimaryKill#WRITES_LIMIT_MS}). 12 s since every replica is a
     * synchronous standby and the ttl is 4 s. It was 20 s for a day this machine ran slowly and the replica that was
     * not promoted had diverged (15.08 s in a fresh-clone CI run, 9.2 s of it waiting for that replica's pg_rewind);
     * with every replica synchronous the one with the most WAL is promoted, so none is rewound. Measured since: 4.8-5.6
     * s on netns at ttl 4 (db-primary-kill, 5 runs); in CI 8.96 s on the servers at ttl 4 (db-primary-power-cut, from
     * the start of the SSH command that cuts the power; 8.75 s at ttl 5) and 9.31 s on netns at ttl 5
     * (db-primary-partition) (docs/RELIABILITY.md).
     */
    static final double WRITES_LIMIT_MS = 12_000;

    /** The limit's words in a scenario's description. */
    static final String WRITES_LIMIT = writesLimit(WRITES_LIMIT_MS);

    static String writesLimit(double ms) {
        return "writes resume < " + Math.round(ms / 1000) + " s";
    }

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
