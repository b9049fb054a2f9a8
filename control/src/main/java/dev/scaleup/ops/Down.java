package dev.scaleup.ops;

import dev.scaleup.runtime.HostNetwork;
import dev.scaleup.runtime.Processes;
import dev.scaleup.runtime.ProcessSpec;
import dev.scaleup.runtime.StateDir;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Stops every process of a deployment (stop signal, deadline, KILL), removes its namespaces, veths and bridge and
 * its state directory. Works after a partial up, and a second run finds nothing to do.
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
        Topology topology = TopologyStore.load(state.topologyFile());
        Deployment deployment = new Deployment(topology, state, repoRoot);
        progress.logTo(state.log());
        Services services = new Services(deployment, Tools.find());
        progress.step("stopping deployment " + topology.name() + " (" + topology.hosts().size() + " hosts)");
        for (Role role : List.of(Role.LB, Role.WEB, Role.APP, Role.DB)) {
            Parallel.forEach(topology.hosts(role), host -> stopHost(deployment, services.of(role), host, progress));
        }
        for (String namespace : deployment.network().existingNamespaces()) {
            killEverythingIn(namespace, progress);
            HostNetwork.deleteNamespace(namespace);
        }
        deployment.network().deleteBridgeAndVeths();
        progress.step("removed the namespaces, veths and bridge " + deployment.names().bridge());
        if (Firewall.removeGateway(topology)) {
            progress.step("removed the gateway rules (table inet " + dev.scaleup.render.FirewallConfig.gatewayTable(topology)
                    + ") from the machine's namespace");
        }
        state.delete();
        progress.step("removed the state directory " + state.path());
    }

    static void stopHost(Deployment deployment, HostService service, Host host, Progress progress) {
        String namespace = deployment.namespace(host);
        if (!HostNetwork.namespaceExists(namespace)) {
            return;
        }
        List<ProcessSpec> specs = new ArrayList<>(deployment.processes(host, service));
        java.util.Collections.reverse(specs);
        for (ProcessSpec spec : specs) {
            if (deployment.isRunning(host, spec)) {
                progress.step(host.name() + ": " + Processes.stop(namespace, deployment.paths(host), spec, STOP_DEADLINE));
            }
        }
        killEverythingIn(namespace, progress);
        deployment.network().removeHost(host);
    }

    /** Whatever still runs in one of the deployment's namespaces is the deployment's: TERM, then KILL. */
    private static void killEverythingIn(String namespace, Progress progress) {
        for (long pid : HostNetwork.pidsIn(namespace)) {
            String how = Processes.terminate(pid, "TERM", Duration.ofSeconds(5));
            progress.step(namespace + ": leftover process " + pid + " " + how);
        }
    }
}
