package dev.scaleup.drill;

import dev.scaleup.loadgen.Report;
import dev.scaleup.ops.Status;
import dev.scaleup.topology.Host;
import java.util.List;

/** HAProxy dies on the VIP holder: keepalived, a program of HAProxy's master, dies with it and the VIP moves. */
final class HaproxyCrash extends FaultScenario {

    HaproxyCrash() {
        super("haproxy-crash", "SIGKILL haproxy (master and workers) on the VIP holder", "up", LbKill.OUTAGE_LIMIT);
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
        return stack.faults().killProcess(target, "haproxy");
    }

    @Override
    List<Check> limits(Recovery recovery, Report load) {
        return List.of(LbKill.outage(recovery));
    }

    @Override
    public List<String> expectedAlerts() {
        return List.of("LoadBalancerDown");
    }
}
