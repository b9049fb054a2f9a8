package dev.scaleup.drill;

import dev.scaleup.loadgen.Report;
import dev.scaleup.ops.OperatorException;
import dev.scaleup.ops.Status;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import java.util.List;

/**
 * VRRP is lost on the way into the standby while the data path works: the standby hears no adverts and takes the VIP
 * while the holder keeps it. The split brain must end within {@link #SPLIT_LIMIT_MS} without anybody's help, and no
 * client request may fail.
 */
final class LbVrrpBlock extends FaultScenario {

    /** The longest two load balancers may both hold the VIP. */
    static final double SPLIT_LIMIT_MS = 3000;

    LbVrrpBlock() {
        super("lb-vrrp-block", "drop VRRP (ip protocol 112) arriving at the standby load balancer",
                "VRRP let in", "split brain < 3 s; no failed request; exactly one VIP holder afterwards");
    }

    @Override
    public boolean mayMoveVip() {
        return true;
    }

    /** The block lasts 20 s: the fault at 10 s, the restore at 60 % of 50 s. */
    @Override
    public int defaultSeconds() {
        return 50;
    }

    @Override
    public boolean watchesVipHolders() {
        return true;
    }

    @Override
    Host target(DrillStack stack, Status.Report status) {
        Host holder = vipHolder(status);
        return stack.deployment().topology().hosts(Role.LB).stream().filter(h -> !h.equals(holder)).findFirst()
                .orElseThrow(() -> new OperatorException("no standby load balancer"));
    }

    @Override
    String inject(DrillStack stack, Host target) {
        return stack.faults().blockVrrp(target);
    }

    @Override
    String restore(DrillStack stack, Host target) {
        return stack.faults().unblockVrrp(target);
    }

    @Override
    List<Check> limits(Recovery recovery, Report load) {
        return List.of(Check.below("longest split brain", recovery.longestSplitBrainMs(), SPLIT_LIMIT_MS),
                Limits.noFailedRequest(load), LbPartition.holdersAfter(recovery));
    }
}
