package dev.scaleup.ops;

import dev.scaleup.runtime.ProcessSpec;
import dev.scaleup.runtime.StateDir;
import dev.scaleup.runtime.Target;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Stops every process of a deployment (stop signal, deadline, KILL), removes its hosts (namespaces, veths, bridge)
 * and its state directory. Works after a partial up, and a second run finds nothing to do.
 */
public final class Down {

    static final Duration STOP_DEADLINE = Duration.ofSeconds(10);

    private Down() {
    }

    public static void run(StateDir state, Path repoRoot, Progress progress) {
        if (!state.exists()) {
            progress.step("nothing to do: no deployment at " + state.path());
            if (java.nio.file.Files.exists(state.path(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                state.delete();
            }
            return;
        }
        Deployment deployment = Deployment.open(state, repoRoot);
        progress.logTo(state.log());
        try (Operation op = Operation.down(deployment, progress)) {
            stop(deployment, progress);
        }
    }

    private static void stop(Deployment deployment, Progress progress) {
        StateDir state = deployment.state();
        Topology topology = deployment.topology();
        progress.step("stopping deployment " + topology.name() + " (" + topology.hosts().size() + " hosts)");
        for (Role role : List.of(Role.LB, Role.WEB, Role.APP, Role.DB)) {
            Parallel.forEach(topology.hosts(role), host -> stopHost(deployment, host, progress));
        }
        deployment.target().removeAll().forEach(progress::step);
        if (Firewall.removeGateway(topology)) {
            progress.step("removed the gateway rules (table inet " + dev.scaleup.render.FirewallConfig.gatewayTable(topology)
                    + ") from the machine's namespace");
        }
        state.delete();
        progress.step("removed the state directory " + state.path());
    }

    /** Stops the host's processes in reverse start order, then whatever else runs there, and removes the host. */
    static void stopHost(Deployment deployment, Host host, Progress progress) {
        Target target = deployment.target();
        if (!target.exists(host)) {
            return;
        }
        List<ProcessSpec> specs = new ArrayList<>(deployment.processes(host));
        java.util.Collections.reverse(specs);
        for (ProcessSpec spec : specs) {
            if (deployment.isRunning(host, spec)) {
                progress.step(host.name() + ": " + target.stop(host, spec, STOP_DEADLINE));
            }
        }
        target.killLeftovers(host).forEach(progress::step);
        target.removeHost(host);
    }
}
