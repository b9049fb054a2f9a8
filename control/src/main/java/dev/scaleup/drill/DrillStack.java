package dev.scaleup.drill;

import static java.util.Objects.requireNonNull;

import dev.scaleup.ops.Deployment;
import dev.scaleup.ops.Progress;
import dev.scaleup.ops.Tools;
import dev.scaleup.ops.TopologyStore;

/**
 * The running stack as a drill sees it: the deployment and what acts on it (faults, operations, the app's
 * database). Scenarios ask it at the moment they act, since an operation changes the deployment under them.
 */
final class DrillStack {

    private final Tools tools;
    private final Progress progress;
    private final Operations operations;
    private Deployment deployment;
    private Faults faults;
    private AppDatabase db;

    DrillStack(Deployment deployment, Tools tools, Progress progress) {
        this.tools = requireNonNull(tools, "tools is null");
        this.progress = requireNonNull(progress, "progress is null");
        this.operations = new Operations(progress);
        use(requireNonNull(deployment, "deployment is null"));
    }

    /** Reads the topology again (a scale changes it) and rebuilds what works on it. */
    void reload() {
        use(new Deployment(TopologyStore.load(deployment.state().topologyFile()), deployment.state(),
                deployment.repoRoot()));
    }

    private void use(Deployment current) {
        deployment = current;
        faults = new Faults(current, tools);
        db = new AppDatabase(current, tools);
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

    Operations operations() {
        return operations;
    }

    Progress progress() {
        return progress;
    }
}
