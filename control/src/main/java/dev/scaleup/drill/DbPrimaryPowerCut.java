package dev.scaleup.drill;

import dev.scaleup.lab.Lab;
import dev.scaleup.lab.LabDir;
import dev.scaleup.loadgen.Report;
import dev.scaleup.ops.Deployment;
import dev.scaleup.render.Etcd;
import dev.scaleup.topology.Host;
import java.util.List;
import java.util.Optional;

/**
 * The primary's server loses its power: PostgreSQL, Patroni and the etcd member on it end at once with no shutdown,
 * and its address stops answering. Patroni promotes the synchronous replica once the leader key expires; the server
 * is then booted again and its database must rejoin as a replica. Only where a drill can power a server on again:
 * the throwaway hosts of {@code scaleup hosts up} (the lab's container is KILLed and booted again, its disk kept).
 */
final class DbPrimaryPowerCut extends PrimaryFailover {

    DbPrimaryPowerCut() {
        super("db-primary-power-cut", "cut the power of the primary's server (throwaway hosts only)",
                "boot it again, then up", WRITES_LIMIT + "; the old primary rejoins as a replica");
    }

    @Override
    public boolean mayMovePrimary() {
        return true;
    }

    @Override
    public Optional<String> unavailable(Deployment deployment) {
        if (!deployment.target().kind().equals("hosts")) {
            return Optional.of("a power cut needs servers (the hosts target); on network namespaces lb-kill and"
                    + " db-primary-kill kill every process of a host instead");
        }
        if (Etcd.members(deployment.topology()).size() < 2) {
            // found on a lab with db.replicas 1: the one etcd member went with db1's power, and no Patroni could
            // reach the leader key for the 35 s the drill waits (writes resumed once db1 booted again, 49 s)
            return Optional.of("the coordination store has one member (db.replicas < " + Etcd.REPLICAS_FOR_QUORUM
                    + "), on " + Etcd.members(deployment.topology()).get(0).name() + ": a power cut of that server"
                    + " stops every failover until it is back");
        }
        return deployment.topology().hosts().stream().filter(h -> lab(h).isEmpty()).findFirst()
                .map(h -> h.name() + " (" + h.address() + ") is not a throwaway host of `scaleup hosts up`: a drill"
                        + " cannot power a server of its own on again");
    }

    @Override
    String inject(DrillStack stack, Host target) {
        return lab(target).orElseThrow().powerCut(target.name());
    }

    @Override
    String restore(DrillStack stack, Host target) {
        Lab lab = lab(target).orElseThrow();
        double start = stack.progress().elapsedSeconds();
        lab.boot(target.name());
        String booted = String.format(java.util.Locale.ROOT, "%s booted, answering SSH in %.1f s", target.name(),
                stack.progress().elapsedSeconds() - start);
        return booted + "; " + stack.faults().up(stack.progress());
    }

    @Override
    List<Check> limits(Recovery recovery, Report load) {
        return List.of(writesResume(recovery), Check.isTrue("old primary rejoined as a replica",
                Boolean.TRUE.equals(recovery.oldPrimaryRejoined()), "yes, within the bounded wait"));
    }

    @Override
    public List<String> expectedAlerts() {
        return List.of("DbHostDown", "PrimaryChanged");
    }

    private static Optional<Lab> lab(Host host) {
        return Lab.holding(LabDir.PARENT, host.name(), host.address());
    }
}
