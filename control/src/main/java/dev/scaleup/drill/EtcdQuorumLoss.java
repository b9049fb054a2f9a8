package dev.scaleup.drill;

import dev.scaleup.loadgen.Report;
import dev.scaleup.ops.Coordination;
import dev.scaleup.ops.OperatorException;
import dev.scaleup.ops.Status;
import dev.scaleup.topology.Host;
import java.time.Duration;
import java.util.List;

/**
 * Two of etcd's three members stop (the primary's and a replica's): the leader key cannot be renewed, and without
 * Patroni's failsafe mode the primary would demote itself. With it, the primary stays primary while every other
 * Patroni member confirms it, so writes go on; {@code up} starts the members again.
 */
final class EtcdQuorumLoss extends FaultScenario {

    /**
     * The longest stretch without an acknowledged write from the fault to the end: measured 1.8 s (a load average of
     * 16-20 on 2 cores makes gaps that long with no fault at all); a demoted primary would stop writes for the rest
     * of the 20 s.
     */
    static final double WRITE_GAP_LIMIT_MS = 5_000;

    EtcdQuorumLoss() {
        super("etcd-quorum-loss", "stop two of the three etcd members (the primary's and a replica's) for 20 s", "up",
                "writes never stop for " + Math.round(WRITE_GAP_LIMIT_MS / 1000) + " s or more; every request succeeds");
    }

    /** How long the members stay down, whatever the run's length: twice the leader key's ttl. */
    static final Duration OUTAGE = Duration.ofSeconds(20);

    @Override
    public int defaultSeconds() {
        return 30;
    }

    /** The fault lasts {@link #OUTAGE}, and the load runs on through it. */
    @Override
    public Duration overrun() {
        return OUTAGE.plusSeconds(10);
    }

    @Override
    public Duration healthWait() {
        return DB_HEALTH_WAIT;
    }

    @Override
    Host target(DrillStack stack, Status.Report status) {
        Host primary = stack.db().primary(status);
        if (new Coordination(stack.deployment()).members().size() < 3) {
            throw new OperatorException(name() + " needs etcd's three members (db.replicas >= 2)");
        }
        return primary;
    }

    @Override
    String inject(DrillStack stack, Host primary) {
        Host other = new Coordination(stack.deployment()).members().stream().filter(m -> !m.equals(primary))
                .findFirst().orElseThrow();
        String stopped = stack.faults().stopEtcd(primary) + "; " + stack.faults().stopEtcd(other);
        sleep(OUTAGE);
        return stopped + "; " + OUTAGE.toSeconds() + " s without etcd quorum";
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperatorException("interrupted");
        }
    }

    @Override
    List<Check> limits(Recovery recovery, Report load) {
        return List.of(Check.below("longest write gap after the fault", recovery.longestWriteGapMs(),
                WRITE_GAP_LIMIT_MS), Limits.noFailedRequest(load));
    }

    @Override
    public List<String> expectedAlerts() {
        return List.of("EtcdMemberDown");
    }
}
