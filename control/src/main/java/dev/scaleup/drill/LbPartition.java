package dev.scaleup.drill;

import dev.scaleup.loadgen.Report;
import dev.scaleup.ops.Status;
import dev.scaleup.topology.Host;
import java.util.List;

/**
 * The VIP holder is cut off but keeps running: the other load balancer takes the VIP, and when the link returns the
 * two must not both hold it.
 */
final class LbPartition extends FaultScenario {

    LbPartition() {
        super("lb-partition", "take the VIP holder's link down (ip link set eth0 down)", "link up",
                LbKill.OUTAGE_LIMIT + "; exactly one VIP holder after the link returns");
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
        return stack.faults().linkDown(target);
    }

    @Override
    String restore(DrillStack stack, Host target) {
        return stack.faults().linkUp(target);
    }

    @Override
    List<Check> limits(Recovery recovery, Report load) {
        return List.of(LbKill.outage(recovery), holdersAfter(recovery));
    }

    /** Exactly one load balancer holds the VIP once the stack is healthy again (and at the end). */
    static Check holdersAfter(Recovery recovery) {
        Long holders = recovery.vipHoldersAfter();
        return new Check("VIP holders after the fault", holders == null ? "unknown" : holders.toString(), "1",
                holders != null && holders == 1);
    }

    @Override
    public List<String> expectedAlerts() {
        return List.of("LoadBalancerDown");
    }
}
