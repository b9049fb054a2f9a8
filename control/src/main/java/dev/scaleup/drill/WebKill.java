package dev.scaleup.drill;

import dev.scaleup.loadgen.Report;
import dev.scaleup.ops.Status;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import java.util.List;

/** nginx dies on a web host: HAProxy retries elsewhere and marks it down, so no client may notice. */
final class WebKill extends FaultScenario {

    WebKill() {
        super("web-kill", "SIGKILL nginx (master and workers) on web1", "up",
                "every request succeeds (client retries allowed) and no 5xx reaches the client");
    }

    @Override
    Host target(DrillStack stack, Status.Report status) {
        return first(stack, Role.WEB);
    }

    @Override
    String inject(DrillStack stack, Host target) {
        return stack.faults().killProcess(target, "nginx");
    }

    @Override
    List<Check> limits(Recovery recovery, Report load) {
        return List.of(Limits.noFailedRequest(load), Limits.no5xx(load));
    }

    @Override
    public List<String> expectedAlerts() {
        return List.of("WebHostDown");
    }
}
