package dev.scaleup.drill;

import java.io.IOException;

/** A rolling deploy of a new build of the app, batch by batch behind the health gate. */
final class DeployNewBuild extends OperationScenario {

    DeployNewBuild() {
        super("deploy", "app tier",
                "scaleup deploy app of a new build (the current app.jar with a VERSION entry added)", "none",
                INVISIBLE);
    }

    @Override
    String run(DrillStack stack) throws IOException {
        return stack.operations().deployNewBuild(stack.deployment());
    }
}
