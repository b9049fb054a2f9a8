package dev.scaleup.drill;

import dev.scaleup.topology.Topology;

/** One more web and one more app host, added under load; scaled back afterwards so the stack keeps its shape. */
final class ScaleOut extends OperationScenario {

    ScaleOut() {
        super("scale-out", "web and app tiers", "scaleup scale web+1 app+1", "scale back to the original counts",
                INVISIBLE);
    }

    @Override
    String run(DrillStack stack) {
        Topology t = stack.deployment().topology();
        return stack.operations().scale(stack.deployment(), t.web().count() + 1, t.app().count() + 1);
    }

    @Override
    String undo(DrillStack stack, Topology before) {
        return stack.operations().scale(stack.deployment(), before.web().count(), before.app().count());
    }
}
