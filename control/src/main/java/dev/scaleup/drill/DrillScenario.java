package dev.scaleup.drill;

import static java.util.Objects.requireNonNull;

import dev.scaleup.loadgen.Report;
import dev.scaleup.ops.Deployment;
import dev.scaleup.ops.Status;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One drill scenario as a value: what it breaks (or which operation it runs under load), how that is undone, what the
 * stack must achieve meanwhile and what the drill waits for. {@link Drill} runs every scenario the same way;
 * {@link Scenarios} lists them. A new scenario is a new subclass and one line in that list.
 */
public abstract class DrillScenario {

    /** The groups `drill` runs one after the other, in the order of {@link Scenarios}. */
    public enum Group {
        FAULTS("faults", "Failures", "failures"),
        OPS("ops", "Operations under load (the operation is the fault)", "operations"),
        /** Restores from the backup repository; only on a stack with backup.enabled, so not in faults or ops. */
        BACKUPS("backups", "Restores from backup under load (backup.enabled)", "restore drills"),
        /** Hostile clients; minutes long, so not in the groups CI runs. */
        ABUSE("abuse", "Abuse at the edge (hostile clients)", "abuse drills");

        private final String key;
        private final String heading;
        private final String plural;

        Group(String key, String heading, String plural) {
            this.key = key;
            this.heading = heading;
            this.plural = plural;
        }

        /** What `drill` takes for the whole group. */
        public String key() {
            return key;
        }

        /** The group's line in the help text. */
        String heading() {
            return heading;
        }

        String plural() {
            return plural;
        }
    }

    static final Duration HEALTH_WAIT = Duration.ofSeconds(60);
    /** A database host takes longer: Patroni, PostgreSQL's recovery, a replica catching up. */
    static final Duration DB_HEALTH_WAIT = Duration.ofSeconds(150);

    private final String name;
    private final String fault;
    private final String restore;
    private final String limit;

    DrillScenario(String name, String fault, String restore, String limit) {
        this.name = requireNonNull(name, "name is null");
        this.fault = requireNonNull(fault, "fault is null");
        this.restore = requireNonNull(restore, "restore is null");
        this.limit = requireNonNull(limit, "limit is null");
    }

    /** What `drill` takes, the report's file name and its "scenario". */
    public final String name() {
        return name;
    }

    public abstract Group group();

    /** What the fault (or the operation) does. */
    public final String fault() {
        return fault;
    }

    /** "up" (scaleup up brings back what is missing), "link up", or what undoes an operation ("none"). */
    public final String restore() {
        return restore;
    }

    /** The scenario's limit in words; {@link #limits} checks it. */
    public final String limit() {
        return limit;
    }

    /** Run length in seconds when --seconds is not given. */
    public int defaultSeconds() {
        return 20;
    }

    /** How long after the restore the drill waits for status to call the whole stack healthy. */
    public Duration healthWait() {
        return HEALTH_WAIT;
    }

    /** How much longer than its nominal length and the health wait the load may run while the stack recovers. */
    public Duration overrun() {
        return Duration.ofSeconds(10);
    }

    /**
     * How long after the fault the restore waits for writes to resume; zero: the restore comes at its time. The
     * primary scenarios wait, so that the failover is measured before the old primary can come back.
     */
    public Duration writesWait() {
        return Duration.ZERO;
    }

    /** Whether "healthy again" also needs the primary from before the fault back as a healthy replica. */
    public boolean awaitsOldPrimary() {
        return false;
    }

    /**
     * Whether the load also sends writes without an Idempotency-Key, which nobody may send again: only where no
     * write may fail, so never with a fault.
     */
    public boolean unkeyedWrites() {
        return false;
    }

    /**
     * The alerts the monitoring must raise during the drill (with monitoring.enabled): each fires within
     * {@link AlertWatch#FIRE_LIMIT} of the fault (the restore waits for them) and is resolved once the stack is healthy.
     */
    public List<String> expectedAlerts() {
        return List.of();
    }

    /**
     * Why this stack cannot take the scenario at all (no backup host, no way to power a host on again), or empty. A
     * group skips such a scenario and says why; named alone, it is refused with this reason.
     */
    public Optional<String> unavailable(Deployment deployment) {
        return Optional.empty();
    }

    /** Whether the drill samples the VIP holders from the fault to the end and measures the longest split brain. */
    public boolean watchesVipHolders() {
        return false;
    }

    /**
     * Whether the fault or its restore may move the VIP to the other load balancer. Every other drill checks that the
     * holder from before is the holder at the end: with nopreempt a VIP that moved stays moved, so a false failover
     * (keepalived's adverts late on a busy machine) shows there.
     */
    public boolean mayMoveVip() {
        return false;
    }

    /**
     * Whether the fault or its restore may make another database host the primary. Every other drill checks that the
     * Patroni leader from before is the primary at the end (no false failover under its load).
     */
    public boolean mayMovePrimary() {
        return false;
    }

    /**
     * Whether the host the fault hit may recover by itself (a process restarted in place): its own log lines then
     * belong in the failover timeline, which otherwise reads the survivors' only.
     */
    public boolean recoversInPlace() {
        return false;
    }

    /** Whether injecting or restoring changes the deployment (hosts, builds): the drill reads it again after each. */
    public boolean changesDeployment() {
        return false;
    }

    /** Operations measure how long they took and what was served meanwhile. */
    public final boolean operation() {
        return group() == Group.OPS;
    }

    /**
     * Picks the target on the healthy stack (or refuses, when the stack cannot take this scenario) and binds the
     * fault and its restore to it, for one run.
     */
    abstract Injection prepare(DrillStack stack, Status.Report before);

    /** The progress line once the fault is in place (or the operation is done), times since the load started. */
    abstract String injected(long fromMicros, long toMicros, String done);

    /** The checks of this scenario's limit; {@link Limits#checks} adds the data checks every scenario has. */
    abstract List<Check> limits(Recovery recovery, Report load);

    @Override
    public String toString() {
        return name;
    }
}
