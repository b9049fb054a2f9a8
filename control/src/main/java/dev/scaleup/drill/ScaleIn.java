package dev.scaleup.drill;

import dev.scaleup.ops.RefusedException;
import dev.scaleup.topology.Topology;

/** One web and one app host taken away under load (drained first); scaled back out afterwards. */
final class ScaleIn extends OperationScenario {

    ScaleIn() {
        super("scale-in", "web and app tiers", "scaleup scale web-1 app-1 (needs web >= 2 and app >= 2)",
                "scale back out", INVISIBLE);
    }

    /** Takes one web and one app host away and needs one of each left. */
    @Override
    void require(Topology topology) {
        if (topology.web().count() < 2 || topology.app().count() < 2) {
            throw new RefusedException("scale-in needs at least 2 web and 2 app hosts to take one of each away, the "
                    + "stack has web=" + topology.web().count() + " app=" + topology.app().count()
                    + " (`scaleup scale web=2 app=2` first)");
        }
    }

    @Override
    String run(DrillStack stack) {
        Topology t = stack.deployment().topology();
        return stack.operations().scale(stack.deployment(), t.web().count() - 1, t.app().count() - 1);
    }

    @Override
    String undo(DrillStack stack, Topology before) {
        return stack.operations().scale(stack.deployment(), before.web().count(), before.app().count());
    }
}
