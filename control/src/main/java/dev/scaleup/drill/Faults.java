package dev.scaleup.drill;

import dev.scaleup.ops.Coordination;
import dev.scaleup.ops.Deployment;
import dev.scaleup.ops.OperatorException;
import dev.scaleup.ops.Progress;
import dev.scaleup.ops.Services;
import dev.scaleup.ops.Up;
import dev.scaleup.runtime.ProcessSpec;
import dev.scaleup.runtime.Target;
import dev.scaleup.topology.Host;
import java.time.Duration;
import java.util.List;

/**
 * The ways a drill breaks a host, and the ways it mends it, on whatever {@link dev.scaleup.runtime.Target} the hosts
 * are. Each returns a sentence saying what it did.
 */
final class Faults {

    private static final Duration ETCD_STOP_DEADLINE = Duration.ofSeconds(5);
    private final Deployment deployment;
    private final Services services;
    private final Target target;

    Faults(Deployment deployment) {
        this.deployment = deployment;
        this.services = deployment.services();
        this.target = deployment.target();
    }

    /** SIGKILL every process on the host. */
    String killEverything(Host host) {
        return refusedAsOperator(() -> target.killEverything(host));
    }

    /** SIGKILL one server process of the host (from its verified pid file) and its descendants of the same program. */
    String killProcess(Host host, String processName) {
        ProcessSpec spec = process(host, processName);
        return refusedAsOperator(() -> target.killProcess(host, spec));
    }

    private ProcessSpec process(Host host, String processName) {
        return services.of(host.role()).processes(host).stream()
                .filter(p -> p.name().equals(processName)).findFirst()
                .orElseThrow(() -> new OperatorException(host.name() + " runs no process named " + processName));
    }

    /**
     * SIGKILL one server process of the host as a crash its supervisor sees: on netns a keeper, on servers systemd
     * (the unit's main process; the unit is not held down, so {@code Restart=} applies).
     */
    String crashProcess(Host host, String processName) {
        ProcessSpec spec = process(host, processName);
        java.util.Optional<Long> pid = target.running(host, spec);
        if (pid.isEmpty() || !target.signal(host, spec, "KILL")) {
            throw new OperatorException(host.name() + ": " + processName + " is not running; nothing to kill");
        }
        return host.name() + ": SIGKILL " + processName + " [" + pid.get() + "]";
    }

    /** SIGKILL every process of the user on the host, except those with the given names. */
    String killUser(Host host, String user, List<String> except) {
        return refusedAsOperator(() -> target.killUser(host, user, except));
    }

    /** SIGSTOP every process of the user on the host: it hangs with its connections open. */
    String freeze(Host host, String user) {
        return refusedAsOperator(() -> target.freezeUser(host, user));
    }

    String thaw(Host host, String user) {
        return target.thawUser(host, user);
    }

    /** Drops what the host sends to the peer, and only that. */
    String dropTraffic(Host host, Host peer) {
        return target.dropTraffic(host, peer);
    }

    String restoreTraffic(Host host) {
        return target.restoreTraffic(host);
    }

    /** Stops the host's etcd member (TERM, then KILL after the deadline). */
    String stopEtcd(Host member) {
        ProcessSpec etcd = new Coordination(deployment).process(member)
                .orElseThrow(() -> new OperatorException(member.name() + " holds no etcd member"));
        return member.name() + ": " + target.stop(member, etcd, ETCD_STOP_DEADLINE);
    }

    String linkDown(Host host) {
        return target.cutNetwork(host);
    }

    String linkUp(Host host) {
        return target.restoreNetwork(host);
    }

    String blockVrrp(Host host) {
        return target.blockVrrp(host);
    }

    /** Lets VRRP in again; says so also when there was nothing to undo. */
    String unblockVrrp(Host host) {
        String done = target.unblockVrrp(host);
        return done != null ? done : host.name() + ": VRRP was not blocked";
    }

    /** As {@code scaleup up} on an unchanged topology: starts whatever is missing, waits until it is ready. */
    String up(Progress progress) {
        Up.startStopped(deployment, progress);
        return "up: every process is running again";
    }

    /** A fault that finds nothing to break (the process is not running) is the operator's to hear about. */
    private static String refusedAsOperator(java.util.function.Supplier<String> fault) {
        try {
            return fault.get();
        } catch (IllegalStateException e) {
            throw new OperatorException(e.getMessage(), e);
        }
    }
}
