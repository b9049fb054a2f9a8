package dev.scaleup.drill;

import static java.util.Objects.requireNonNull;

import dev.scaleup.ops.Deployment;
import dev.scaleup.ops.Progress;
import java.util.function.LongSupplier;

/**
 * The running stack as a drill sees it: the deployment and what acts on it (faults, operations, the app's
 * database). Scenarios ask it at the moment they act, since an operation changes the deployment under them.
 */
final class DrillStack {

    private final Progress progress;
    private final Operations operations;
    private Deployment deployment;
    private Faults faults;
    private AppDatabase db;
    private LongSupplier loadClock = () -> {
        throw new IllegalStateException("the load has not started");
    };

    DrillStack(Deployment deployment, Progress progress) {
        this.progress = requireNonNull(progress, "progress is null");
        this.operations = new Operations(progress);
        use(requireNonNull(deployment, "deployment is null"));
    }

    /** Reads the topology again (a scale changes it) and rebuilds what works on it. */
    void reload() {
        use(Deployment.open(deployment.state(), deployment.repoRoot()));
    }

    private void use(Deployment current) {
        deployment = current;
        faults = new Faults(current);
        db = new AppDatabase(current);
    }

    Deployment deployment() {
        return deployment;
    }

    Faults faults() {
        return faults;
    }

    AppDatabase db() {
        return db;
    }

    /** The load's clock (microseconds since it started), for a scenario that marks moments the data check uses. */
    void timeLoad(LongSupplier clock) {
        loadClock = requireNonNull(clock, "clock is null");
    }

    long loadMicros() {
        return loadClock.getAsLong();
    }

    Operations operations() {
        return operations;
    }

    Progress progress() {
        return progress;
    }
}
