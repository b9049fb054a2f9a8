package dev.scaleup.ops;

import static java.util.Objects.requireNonNull;

import dev.scaleup.runtime.StateDir;
import dev.scaleup.topology.Host;
import java.util.List;

/**
 * The netns target's converge step ({@link LocalConverge}) and removal: the hosts are namespaces of this machine,
 * so down removes them with every file, and the machine's own gateway rules.
 */
final class LocalProvisioner implements Provisioner {

    private final Deployment deployment;

    LocalProvisioner(Deployment deployment) {
        this.deployment = requireNonNull(deployment, "deployment is null");
    }

    /** The servers run on this machine: every program is named, with its Debian package, before anything is made. */
    @Override
    public void preflight() {
        deployment.tools();
    }

    @Override
    public int converge(Operation op) {
        return new LocalConverge(op).run();
    }

    /** On this machine converge already changes only what differs, in moments. */
    @Override
    public int reconfigure(Operation op) {
        return converge(op);
    }

    @Override
    public String retire(Host host, Progress progress) {
        Down.stopHost(deployment, host, progress);
        StateDir.deleteTree(deployment.paths(host).root());
        return host.name() + ": removed (processes, namespace, files)";
    }

    /** Up's converge: on this machine it starts what is missing and leaves what runs alone, in moments. */
    @Override
    public int startStopped(Operation op) {
        return converge(op);
    }

    @Override
    public List<String> mend() {
        return Repair.run(deployment);
    }

    @Override
    public Firewall.State gatewayState() {
        return Firewall.gatewayState(deployment);
    }

    @Override
    public boolean hostsGoOnDown() {
        return true;
    }

    /** Namespaces, veths and bridge, and the gateway rules; the data goes with the state directory in any case. */
    @Override
    public boolean remove(boolean purge, Progress progress) {
        String rotation = LogRotation.stop(deployment.state());
        if (rotation != null) {
            progress.step(rotation);
        }
        deployment.target().removeAll().forEach(progress::step);
        if (Firewall.removeGateway(deployment.topology())) {
            progress.step("removed the gateway rules (table inet "
                    + dev.scaleup.render.FirewallConfig.gatewayTable(deployment.topology())
                    + ") from the machine's namespace");
        }
        return true;
    }
}
