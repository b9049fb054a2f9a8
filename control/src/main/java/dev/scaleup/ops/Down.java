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
 * Stops every process of a deployment, then removes what up made ({@link Provisioner#remove}: namespaces, veths,
 * bridge; on servers the units are disabled and they stay reachable) and the state directory. Works after a partial
 * up, and a second run finds nothing to do.
 *
 * <p>On servers the processes are stopped in order ({@code systemctl stop}): their data stays. On netns every host
 * goes with its files ({@link Provisioner#hostsGoOnDown}), so an orderly stop would only write what is deleted next
 * (PostgreSQL's and etcd's shutdown flushes, whose pages then had to finish writing before their files could be
 * deleted: 1.3 s) and wait for timers nobody is left to hear (keepalived's priority-0 advert, 1 s): the processes
 * are killed at once, the load balancers' first, so clients are cut off at the door.
 */
public final class Down {

    static final Duration STOP_DEADLINE = Duration.ofSeconds(10);

    private Down() {
    }

    /**
     * {@code purge}: the data as well, where it outlives down otherwise (on servers: {@code /var/lib/scaleup}, and the
     * state directory whose secrets that data was made with); on netns everything goes anyway.
     */
    public static void run(StateDir state, Path repoRoot, boolean purge, Progress progress) {
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
            stop(deployment, purge, progress);
        }
    }

    private static void stop(Deployment deployment, boolean purge, Progress progress) {
        StateDir state = deployment.state();
        Topology topology = deployment.topology();
        progress.step("stopping deployment " + topology.name() + " (" + topology.hosts().size() + " hosts)");
        if (deployment.provisioner().hostsGoOnDown()) {
            Parallel.forEach(topology.hosts(Role.LB), host -> killHost(deployment, host, progress));
            Parallel.forEach(topology.hosts().stream().filter(h -> h.role() != Role.LB).toList(),
                    host -> killHost(deployment, host, progress));
        } else {
            stopInOrder(deployment, progress);
        }
        if (!deployment.provisioner().remove(purge, progress)) {
            deployment.target().awaitReaped();
            progress.step("kept the state directory " + state.path() + ": the servers keep their data, made with its"
                    + " secrets (`scaleup up` brings the deployment back; `scaleup down --purge` deletes both)");
            return;
        }
        state.delete();
        // the exited processes leave the process table meanwhile (init reaps them)
        deployment.target().awaitReaped();
        progress.step("removed the state directory " + state.path());
    }

    private static void killHost(Deployment deployment, Host host, Progress progress) {
        if (deployment.target().exists(host)) {
            String killed = deployment.target().killAll(host);
            if (killed != null) {
                progress.step(host.name() + ": " + killed);
            }
        }
    }

    private static void stopInOrder(Deployment deployment, Progress progress) {
        Topology topology = deployment.topology();
        // the load balancers first: clients are cut off at the door (the VIP goes), not by a tier behind it; then
        // every other host at once (each host's own processes in the reverse of their start order), the etcd members
        // last: a Patroni still stopping that lost its etcd member waited for connect timeouts (2 s more)
        Parallel.forEach(topology.hosts(Role.LB), host -> stopHost(deployment, host, progress));
        List<Host> rest = topology.hosts().stream().filter(h -> h.role() != Role.LB).toList();
        Coordination coordination = new Coordination(deployment);
        Parallel.forEach(rest, host -> stopProcesses(deployment, host, coordination.process(host), progress));
        // etcd's followers before its leader: a leader that stops hands its role to a peer it still sees, and when
        // that peer was stopping at the same moment it waited for the handover's timeout (6.8 s) before exiting
        List<Host> leaders = coordination.members().stream().filter(coordination::leads).toList();
        Parallel.forEach(rest.stream().filter(h -> !leaders.contains(h)).toList(), host -> stopHost(deployment, host, progress));
        Parallel.forEach(leaders, host -> stopHost(deployment, host, progress));
    }

    /** Stops the host's processes in reverse start order, then whatever else runs there, and removes the host. */
    static void stopHost(Deployment deployment, Host host, Progress progress) {
        Target target = deployment.target();
        if (!target.exists(host)) {
            return;
        }
        stopProcesses(deployment, host, java.util.Optional.empty(), progress);
        target.killLeftovers(host).forEach(progress::step);
        target.removeHost(host);
    }

    /** Stops the host's processes that run, in reverse start order, but the one it keeps (if any). */
    private static void stopProcesses(Deployment deployment, Host host, java.util.Optional<ProcessSpec> keep,
                                      Progress progress) {
        Target target = deployment.target();
        if (!target.exists(host)) {
            return;
        }
        List<ProcessSpec> specs = new ArrayList<>(deployment.processes(host));
        java.util.Collections.reverse(specs);
        for (ProcessSpec spec : specs) {
            if (keep.map(k -> k.name().equals(spec.name())).orElse(false)) {
                continue;
            }
            if (deployment.isRunning(host, spec)) {
                progress.step(host.name() + ": " + target.stop(host, spec, STOP_DEADLINE));
            }
        }
    }
}
