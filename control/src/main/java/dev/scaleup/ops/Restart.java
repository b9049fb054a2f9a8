package dev.scaleup.ops;

import dev.scaleup.render.HaproxyConfig;
import dev.scaleup.render.PatroniConfig;
import dev.scaleup.runtime.ProcessSpec;
import dev.scaleup.runtime.Readiness;
import dev.scaleup.runtime.StateDir;
import dev.scaleup.runtime.Target;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Restarts a tier or one host in the order that keeps the site serving:
 * <pre>
 *   web  one at a time: drained in HAProxy, nginx restarted, health-gated, back in HAProxy
 *   lb   the standby first (stopped and started); then the VIP holder without moving the VIP: HAProxy's master
 *        re-executes itself seamlessly and keepalived reloads. With moveVip the holder's keepalived stops first (the
 *        VIP moves at once), HAProxy stops softly and both start again; nopreempt keeps the VIP where it went
 *   app  like a deploy of the same build (drained in nginx, one at a time)
 *   db   replicas one at a time; then a controlled switchover through Patroni; then the old primary
 * </pre>
 */
public final class Restart {

    private final Operation op;
    private final Deployment deployment;
    private final Target target;
    private final Services services;
    private final boolean moveVip;

    private Restart(Operation op, boolean moveVip) {
        this.op = op;
        this.deployment = op.deployment();
        this.target = deployment.target();
        this.services = deployment.services();
        this.moveVip = moveVip;
    }

    public static void run(StateDir state, Path repoRoot, String target, Progress progress) {
        run(state, repoRoot, target, false, progress);
    }

    /** @param moveVip also restart the VIP holder's processes, moving the VIP to the standby first */
    public static void run(StateDir state, Path repoRoot, String target, boolean moveVip, Progress progress) {
        try (Operation op = Operation.begin(state, repoRoot, "restart " + target, progress)) {
            List<Host> hosts = select(op.deployment(), target);
            Restart restart = new Restart(op, moveVip);
            op.step("restarting " + String.join(", ", hosts.stream().map(Host::name).toList()));
            switch (hosts.get(0).role()) {
                case WEB -> hosts.forEach(restart::web);
                case LB -> restart.loadBalancers(hosts);
                case APP -> new AppRollout(op).restart(hosts, 1, null, null);
                case DB -> restart.databases(hosts);
                case BACKUP -> throw new RefusedException("restart: the backup host has no restart of its own yet;"
                        + " `scaleup up` starts its pgBackRest server again when it is down");
                case MON -> throw new RefusedException("restart: the monitoring host has no restart of its own yet;"
                        + " `scaleup up` starts Prometheus and Alertmanager again when they are down");
            }
            op.step(String.format("done in %.1f s", op.elapsedSeconds()));
        }
    }

    static List<Host> select(Deployment deployment, String target) {
        for (Role role : Role.values()) {
            if (role.prefix().equals(target)) {
                return deployment.topology().hosts(role);
            }
        }
        return deployment.topology().host(target).map(List::of).orElseThrow(() -> new RefusedException(
                "restart: unknown tier or host '" + target + "'; tiers: lb, web, app, db; hosts: "
                        + String.join(", ", deployment.topology().hosts().stream().map(Host::name).toList())));
    }

    private void web(Host host) {
        LbService lb = services.lb();
        for (Host balancer : deployment.topology().hosts(Role.LB)) {
            lb.command(balancer, "set server " + HaproxyConfig.BACKEND + "/" + host.name() + " state drain");
        }
        Scale.drainWebHosts(op, List.of(host));
        restartProcesses(host);
        for (Host balancer : deployment.topology().hosts(Role.LB)) {
            lb.command(balancer, "set server " + HaproxyConfig.BACKEND + "/" + host.name() + " state ready");
        }
        Readiness.await(host.name() + " UP in HAProxy on every load balancer", Duration.ofSeconds(15),
                () -> deployment.topology().hosts(Role.LB).stream().allMatch(b -> lb.backends(b).stream()
                        .anyMatch(s -> s.server().equals(host.name()) && s.up())), () -> true);
        step(host.name() + ": back in HAProxy");
    }

    private void loadBalancers(List<Host> hosts) {
        LbService lb = services.lb();
        List<Host> ordered = new ArrayList<>(hosts.stream().filter(h -> !lb.holdsVip(h)).toList());
        ordered.addAll(hosts.stream().filter(lb::holdsVip).toList());
        for (Host host : ordered) {
            if (lb.holdsVip(host) && !moveVip) {
                // the VIP stays: HAProxy's master re-executes itself (new binary and config, listening sockets
                // handed over, old workers finish their connections) and keepalived re-reads its config
                ProcessSpec haproxy = lb.processes(host).get(0);
                ProcessSpec keepalived = lb.processes(host).get(1);
                long master = deployment.running(host, haproxy).orElseThrow(
                        () -> new OperatorException(host.name() + ": HAProxy is not running; `scaleup up` starts it"));
                target.signal(host, haproxy, "USR2");
                target.signal(host, keepalived, "HUP");
                Readiness.await(host.name() + " HAProxy serving again after its re-exec", Duration.ofSeconds(15),
                        () -> lb.backends(host).stream().anyMatch(HaproxySocket.ServerState::up), () -> true);
                step(host.name() + ": HAProxy re-executed seamlessly (pid " + master + ", listeners handed over) and"
                        + " keepalived reloaded; the VIP stayed (use --move-vip to restart its processes and move the VIP)");
                continue;
            }
            if (lb.holdsVip(host)) {
                ProcessSpec keepalived = lb.processes(host).get(1);
                target.signal(host, keepalived, "TERM");
                Readiness.await("the VIP on another load balancer", Duration.ofSeconds(10),
                        () -> deployment.topology().hosts(Role.LB).stream().anyMatch(b -> !b.equals(host) && lb.holdsVip(b)),
                        () -> true);
                step(host.name() + ": released the VIP (keepalived stopped), the standby took it");
            }
            ProcessSpec haproxy = lb.processes(host).get(0);
            if (deployment.topology().onServers()) {
                // systemctl stop: TERM to HAProxy's master, which stops its workers and keepalived. After a USR1
                // (soft stop) the master of a systemd unit waited for keepalived, which it had not signalled, until
                // systemd's 90 s timeout KILLed the unit; this host holds no VIP now, so no client is cut
                target.stop(host, haproxy, Down.STOP_DEADLINE);
                step(host.name() + ": HAProxy stopped (systemctl stop; the host held no VIP)");
            } else {
                target.signal(host, haproxy, "USR1");
                target.stop(host, haproxy, Down.STOP_DEADLINE);
                step(host.name() + ": HAProxy stopped softly (current requests finished)");
            }
            startProcesses(host);
        }
    }

    private void databases(List<Host> hosts) {
        DbService db = services.db();
        List<Host> replicas = hosts.stream().filter(h -> !db.isLeader(h)).toList();
        List<Host> leaders = hosts.stream().filter(db::isLeader).toList();
        replicas.forEach(this::restartDbHost);
        leaders.forEach(this::restartDbHost);
    }

    /**
     * One db host without a write stall: its roles (leader, synchronous standby) move to the others first, then it
     * restarts, then its patroni.yml is rendered again (the nosync tag off) and Patroni reloads.
     */
    private void restartDbHost(Host host) {
        List<Host> all = deployment.topology().hosts(Role.DB);
        if (all.size() > 1) {
            Scale.moveDbRoles(op, all, host);
        }
        restartProcesses(host);
        ConfigFiles.refresh(deployment, host);
    }

    private void restartProcesses(Host host) {
        HostService service = services.of(host.role());
        List<ProcessSpec> specs = new ArrayList<>(service.processes(host));
        java.util.Collections.reverse(specs);
        for (ProcessSpec spec : specs) {
            if (!spec.supervised() && deployment.isRunning(host, spec)) {
                step(host.name() + ": " + target.stop(host, spec, Down.STOP_DEADLINE));
            }
        }
        startProcesses(host);
    }

    private void startProcesses(Host host) {
        HostService service = services.of(host.role());
        for (ProcessSpec spec : service.processes(host)) {
            long begin = System.nanoTime();
            // a load balancer's restart stops HAProxy only: its node-exporter still runs, and a second one would find
            // the port taken, exit, and leave the pid file naming it (status: node-exporter down)
            if (!spec.supervised() && !deployment.isRunning(host, spec)) {
                long pid = target.start(host, spec);
                step(host.name() + ": started " + spec.name() + " (pid " + pid + ")");
            }
            service.awaitReady(host, spec);
            step(String.format("%s: %s ready in %.1f s", host.name(), spec.name(), (System.nanoTime() - begin) / 1e9));
        }
    }

    private void step(String sentence) {
        op.step(sentence);
    }
}
