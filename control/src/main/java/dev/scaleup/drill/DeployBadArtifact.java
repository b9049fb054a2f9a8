package dev.scaleup.drill;

import dev.scaleup.loadgen.Report;
import dev.scaleup.ops.Status;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A deploy of a corrupt build: the first batch fails its health gate and the deploy rolls back. Once the stack is
 * healthy again every app host must run the previous build.
 */
final class DeployBadArtifact extends OperationScenario {

    DeployBadArtifact() {
        super("deploy-bad-artifact", "app tier", "scaleup deploy app of a build whose app.jar is corrupt", "none",
                INVISIBLE + "; the deploy fails and every app host runs the previous build");
    }

    @Override
    String run(DrillStack stack) throws IOException {
        return stack.operations().deployCorruptBuild(stack.deployment());
    }

    @Override
    Injection prepare(DrillStack stack, Status.Report before) {
        return new Run(stack) {
            /** Not rolled back until seen on a healthy stack. */
            private boolean rolledBack;

            @Override
            public void healthyAgain(Status.Report status) {
                rolledBack = stack.operations().rolledBack(stack.deployment(), status);
            }

            @Override
            public Boolean rolledBack() {
                return rolledBack;
            }
        };
    }

    @Override
    List<Check> limits(Recovery recovery, Report load) {
        List<Check> checks = new ArrayList<>(invisible(load));
        checks.add(Check.isTrue("deploy failed and rolled back", Boolean.TRUE.equals(recovery.rolledBack()),
                "yes: the deploy fails, every app host runs the previous build and is healthy"));
        return checks;
    }
}
