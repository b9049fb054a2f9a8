package dev.scaleup.drill;

import dev.scaleup.loadgen.Report;
import dev.scaleup.ops.DbService;
import dev.scaleup.ops.OperatorException;
import dev.scaleup.ops.Status;
import dev.scaleup.runtime.Readiness;
import dev.scaleup.topology.Host;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The synchronous standby fails without closing its connections (it hangs, or its packets to the primary are lost),
 * and then, while it is still out, the primary's database server dies. Strict synchronous mode acknowledges no
 * commit the standby has not got, so writes stall until the primary drops the standby (wal_sender_timeout) and
 * Patroni hands the synchronous role to the other replica; the failover must then promote that replica with every
 * acknowledged write. It needs two replicas: with one, a hung standby stops writes by design.
 *
 * <p>The fault is in steps, each bounded: break the standby; wait until the primary names another synchronous
 * standby (the write stall, {@link #SYNC_MOVE_LIMIT}); SIGKILL the primary's database server; wait until another
 * host leads ({@link #FAILOVER_LIMIT}). The restore mends the standby, then {@code up} restarts the old primary.
 */
abstract class SyncStandbyFault extends FaultScenario {

    /**
     * Longest wait for the synchronous role to move off the broken standby (the write stall): wal_sender_timeout 5 s,
     * then Patroni's next loop (1 s) and its 2 s wait for the new standby; measured 7.6-8.1 s at a load average of
     * 10-25 on 2 cores, so twice the 5 s + 2 s it is built from.
     */
    static final Duration SYNC_MOVE_LIMIT = Duration.ofSeconds(15);
    /**
     * Longest wait for a new leader once the primary is dead: the leader key's ttl (4 s) and the promotion; 15 s (30 s
     * when the ttl was 10 s and this measured 10.1-11.3 s).
     */
    static final Duration FAILOVER_LIMIT = Duration.ofSeconds(15);
    /**
     * From the fault to the first acknowledged write sent after the failover: the stall and the failover add up. 25 s
     * (60 s until 2026-12-04, when the ttl had been 10 s and this measured 24.8-32.1 s): eleven fresh-clone CI runs of
     * 2026-12-03/04 measured 9.41-12.65 s (db-standby-freeze) and 10.43-11.84 s (db-standby-partition).
     */
    static final double WRITES_LIMIT_MS = 25_000;

    SyncStandbyFault(String name, String fault, String restore) {
        super(name, fault + "; once another replica is synchronous standby, SIGKILL the primary's database server",
                restore + ", then up", "the synchronous role moves within " + SYNC_MOVE_LIMIT.toSeconds()
                        + " s; a new primary within " + FAILOVER_LIMIT.toSeconds() + " s; writes resume < "
                        + Math.round(WRITES_LIMIT_MS / 1000) + " s; the old primary rejoins as a replica");
    }

    /** The primary's database server is killed once another replica is the synchronous standby. */
    @Override
    public boolean mayMovePrimary() {
        return true;
    }

    /** Breaks the standby so that it stops acknowledging the primary's WAL but keeps its connections. */
    abstract String breakStandby(DrillStack stack, Host standby, Host primary);

    abstract String mendStandby(DrillStack stack, Host standby);

    @Override
    public int defaultSeconds() {
        return 40;
    }

    @Override
    public Duration healthWait() {
        return DB_HEALTH_WAIT;
    }

    /** The fault's steps take up to the two limits above, and the load runs on through them. */
    @Override
    public Duration overrun() {
        return SYNC_MOVE_LIMIT.plus(FAILOVER_LIMIT);
    }

    @Override
    public boolean awaitsOldPrimary() {
        return true;
    }

    @Override
    final Host target(DrillStack stack, Status.Report status) {
        long replicas = status.hosts().stream().filter(AppDatabase::isReplica).count();
        if (replicas < 2) {
            throw new OperatorException(name() + " needs two database replicas (the stack has " + replicas
                    + "): with one, a hung synchronous standby stops writes by design (scale db.replicas=2)");
        }
        return status.hosts().stream().filter(h -> Boolean.TRUE.equals(h.health().facts().get("sync_standby")))
                .map(Status.HostStatus::host).findFirst()
                .orElseThrow(() -> new OperatorException("no replica is synchronous standby"));
    }

    @Override
    final String inject(DrillStack stack, Host standby) {
        DbService db = stack.deployment().services().db();
        Host primary = db.leader().orElseThrow(() -> new OperatorException("no database primary answers"));
        String broken = breakStandby(stack, standby, primary);
        // every replica is a synchronous standby: the role has moved once the broken one is out of the set
        Duration moved = await("the primary " + primary.name() + " naming synchronous standbys without "
                + standby.name(), SYNC_MOVE_LIMIT, () -> db.synchronousStandbys(primary)
                .filter(s -> !s.isEmpty() && !s.contains(standby.name())).isPresent());
        String successor = db.synchronousStandbys(primary).map(s -> String.join(", ", s)).orElse("?");
        String killed = killDatabase(stack, primary);
        Duration failover = await("a new primary", FAILOVER_LIMIT,
                () -> db.leader().filter(h -> !h.equals(primary)).isPresent());
        String leader = db.leader().map(Host::name).orElse("?");
        return String.format(Locale.ROOT, "%s; %s synchronous standby after %.1f s; %s; %s primary after %.1f s",
                broken, successor, moved.toMillis() / 1e3, killed, leader, failover.toMillis() / 1e3);
    }

    @Override
    final String restore(DrillStack stack, Host standby) {
        String mended = mendStandby(stack, standby);
        return (mended == null ? "" : mended + "; ") + stack.faults().up(stack.progress());
    }

    @Override
    final List<Check> limits(Recovery recovery, Report load) {
        return List.of(Check.below("writes resume after the fault", recovery.faultToFirstWriteMs(), WRITES_LIMIT_MS),
                Check.isTrue("old primary rejoined as a replica", Boolean.TRUE.equals(recovery.oldPrimaryRejoined()),
                        "yes, within the bounded wait"));
    }

    /** A step of the fault that did not happen within its limit fails the drill, which then restores. */
    private static Duration await(String what, Duration limit, java.util.function.BooleanSupplier check) {
        try {
            return Readiness.await(what, limit, check, () -> true);
        } catch (Readiness.NotReadyException e) {
            throw new OperatorException(e.getMessage(), e);
        }
    }
}
