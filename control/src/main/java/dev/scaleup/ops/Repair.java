package dev.scaleup.ops;

import dev.scaleup.render.HaproxyConfig;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Undoes what an interrupted operation ({@link Journal}) may have left half done, so that every host serves again:
 * <pre>
 *   app hosts drained in nginx (a deploy, restart app or secret rotation between drain and undrain)
 *                        → the drain set emptied, nginx rendered and reloaded on every web host
 *   web hosts drained in HAProxy (a restart web or scale-in between drain and the end)
 *                        → set ready again through each load balancer's runtime API
 *   a db host tagged nosync (a scale-in or restart db moving the synchronous standby role)
 *                        → patroni.yml rendered again (nosync off) and Patroni reloaded
 *   a host the topology does not name (a scale-out before it saved the topology)
 *                        → its processes stopped, the host and its files removed
 * </pre>
 * What it cannot undo it leaves to the same command run again: app hosts on different builds (deploy again), a
 * half-done scale (scale again; the topology is saved only when a scale has succeeded).
 */
final class Repair {

    private Repair() {
    }

    /** The repairs made, one sentence each (empty when there was nothing to mend). */
    static List<String> run(Deployment deployment) {
        List<String> done = new ArrayList<>(deployment.target().removeStrays());
        Set<String> drained = deployment.drainedApps();
        if (!drained.isEmpty()) {
            deployment.setDrainedApps(Set.of());
            done.add("undrained " + String.join(", ", drained.stream().sorted().toList()) + " in every nginx upstream");
        }
        // every file as the topology says: no drain in nginx, no host that is gone, no nosync tag
        for (Role role : List.of(Role.DB, Role.WEB, Role.LB)) {
            for (Host host : deployment.topology().hosts(role)) {
                String reloaded = ConfigFiles.refresh(deployment, host);
                if (reloaded != null) {
                    done.add(reloaded + " (its files rendered again)");
                }
            }
        }
        LbService lb = deployment.services().lb();
        for (Host balancer : deployment.topology().hosts(Role.LB)) {
            for (HaproxySocket.ServerState server : lb.backends(balancer)) {
                if (server.drained()) {
                    lb.command(balancer, "set server " + HaproxyConfig.BACKEND + "/" + server.server() + " state ready");
                    done.add(balancer.name() + ": " + server.server() + " ready again in HAProxy (was " + server.status() + ")");
                }
            }
        }
        return done;
    }
}
