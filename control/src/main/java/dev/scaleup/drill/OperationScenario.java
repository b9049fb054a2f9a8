package dev.scaleup.drill;

import static java.util.Objects.requireNonNull;

import dev.scaleup.loadgen.Report;
import dev.scaleup.ops.Status;
import dev.scaleup.topology.Topology;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * A scaleup operation (scale, deploy, restart) run under load in place of a fault, by the same code as the command;
 * it runs to its end however long it takes, and must be invisible to clients.
 */
abstract class OperationScenario extends DrillScenario {

    /** The limit of an operation that must be invisible to clients. */
    static final String INVISIBLE = "no failed request, no 5xx, no client retry";
    /** The longest an operation (and its undoing) may keep the load running past its nominal length. */
    static final Duration OPERATION_BUDGET = Duration.ofSeconds(600);

    private final String target;

    /**
     * @param target the tiers the operation works on
     */
    OperationScenario(String name, String target, String fault, String restore, String limit) {
        super(name, fault, restore, limit);
        this.target = requireNonNull(target, "target is null");
    }

    @Override
    public final Group group() {
        return Group.OPS;
    }

    @Override
    public final Duration overrun() {
        return OPERATION_BUDGET;
    }

    @Override
    public final boolean changesDeployment() {
        return true;
    }

    /** An operation must not fail even a write nobody may send again. */
    @Override
    public boolean unkeyedWrites() {
        return true;
    }

    /** Runs the operation to its end (the load keeps running meanwhile); returns what it did. */
    abstract String run(DrillStack stack) throws Exception;

    /** What undoes the operation so that the stack keeps its shape (scale back), or nothing. */
    String undo(DrillStack stack, Topology before) {
        return "none";
    }

    /** Refuses when the stack cannot take the operation. */
    void require(Topology topology) {
    }

    @Override
    Injection prepare(DrillStack stack, Status.Report before) {
        require(stack.deployment().topology());
        return new Run(stack);
    }

    @Override
    final String injected(long fromMicros, long toMicros, String done) {
        return String.format(Locale.ROOT, "%s: operation from %.1f s to %.1f s (%.1f s): %s", name(), fromMicros / 1e6,
                toMicros / 1e6, (toMicros - fromMicros) / 1e6, done);
    }

    @Override
    List<Check> limits(Recovery recovery, Report load) {
        return invisible(load);
    }

    /** No request fails, none sees a 5xx, none even needs a retry. */
    static List<Check> invisible(Report load) {
        return List.of(Limits.noFailedRequest(load), Limits.no5xx(load),
                Check.atMost("client retries", load.retries(), 0));
    }

    /** One run of the operation; remembers the topology it started from, to undo it. */
    class Run implements Injection {

        private final DrillStack stack;
        private final Topology before;

        Run(DrillStack stack) {
            this.stack = stack;
            this.before = stack.deployment().topology();
        }

        @Override
        public String target() {
            return target;
        }

        @Override
        public String inject() throws Exception {
            return run(stack);
        }

        @Override
        public String restore() {
            return undo(stack, before);
        }
    }
}
