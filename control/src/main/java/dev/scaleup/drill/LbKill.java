package dev.scaleup.drill;

import dev.scaleup.loadgen.Report;
import dev.scaleup.ops.Status;
import dev.scaleup.topology.Host;
import java.util.List;

/** The VIP holder dies whole: keepalived on the other load balancer must take the VIP. */
final class LbKill extends FaultScenario {

    /** The longest outage the load balancer scenarios allow. */
    static final double OUTAGE_LIMIT_MS = 1000;

    LbKill() {
        super("lb-kill", "SIGKILL every process (haproxy and keepalived) on the VIP holder", "up",
                "longest outage < 1 s");
    }

    @Override
    public boolean mayMoveVip() {
        return true;
    }

    @Override
    Host target(DrillStack stack, Status.Report status) {
        return vipHolder(status);
    }

    @Override
    String inject(DrillStack stack, Host target) {
        return stack.faults().killEverything(target);
    }

    @Override
    List<Check> limits(Recovery recovery, Report load) {
        return List.of(outage(recovery));
    }

    static Check outage(Recovery recovery) {
        return Check.below("longest outage", recovery.longestGapMs(), OUTAGE_LIMIT_MS);
    }

    @Override
    public List<String> expectedAlerts() {
        return List.of("LoadBalancerDown");
    }
}
