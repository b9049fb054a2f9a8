package dev.scaleup.drill;

import dev.scaleup.loadgen.Report;
import dev.scaleup.ops.Status;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import java.util.List;

/**
 * An app server dies: nginx passes idempotent requests (and those with an Idempotency-Key) to the next one; a write
 * without a key that was under way may fail, so the limit looks at idempotent requests only.
 */
final class AppKill extends FaultScenario {

    AppKill() {
        super("app-kill", "SIGKILL the app JVM on app1", "up", "every idempotent request succeeds and none gets a 5xx");
    }

    @Override
    Host target(DrillStack stack, Status.Report status) {
        return first(stack, Role.APP);
    }

    @Override
    String inject(DrillStack stack, Host target) {
        return stack.faults().killProcess(target, "app");
    }

    @Override
    List<Check> limits(Recovery recovery, Report load) {
        return List.of(Check.atMost("failed idempotent requests", load.failedIdempotentRequests(), 0),
                Check.atMost("5xx answers to idempotent requests", load.http5xxIdempotent(), 0));
    }

    @Override
    public List<String> expectedAlerts() {
        return List.of("AppHostDown");
    }
}
