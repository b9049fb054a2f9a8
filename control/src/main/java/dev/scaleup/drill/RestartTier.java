package dev.scaleup.drill;

import static java.util.Objects.requireNonNull;

/**
 * A rolling restart of the lb or the web tier ({@code ops.Restart} says in what order); neither holds data, so the
 * restart must be invisible to clients.
 */
final class RestartTier extends OperationScenario {

    private final String tier;

    RestartTier(String tier) {
        super("restart-" + requireNonNull(tier, "tier is null"), tier + " tier", "scaleup restart " + tier, "none",
                INVISIBLE);
        this.tier = tier;
    }

    /** Restarting the load balancers hands the VIP over. */
    @Override
    public boolean mayMoveVip() {
        return tier.equals("lb");
    }

    @Override
    String run(DrillStack stack) {
        return stack.operations().restart(stack.deployment(), tier);
    }
}
