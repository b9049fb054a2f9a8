package dev.scaleup.ops;

import dev.scaleup.render.PatroniConfig;
import dev.scaleup.runtime.Readiness;
import dev.scaleup.runtime.StateDir;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Brings a deployment up, or back to what its topology says: a pre-flight that refuses before anything is made,
 * then the target's converge step ({@link Provisioner}: on netns, namespaces and processes made and started tier by
 * tier; on servers, the Ansible project run), then one VIP holder serving the site and every host healthy. On a
 * healthy deployment it changes nothing and says so.
 */
public final class Up {

    private final Operation op;
    private final Deployment deployment;
    private final Services services;
    private final Progress progress;

    /** What the target's step does: bring every host to the topology, only those a scale changes, or only start. */
    private enum Mode { CONVERGE, RECONFIGURE, START_STOPPED }

    private final Mode mode;

    private Up(Operation op) {
        this(op, Mode.CONVERGE);
    }

    private Up(Operation op, Mode mode) {
        this.op = op;
        this.mode = mode;
        this.deployment = op.deployment();
        this.services = deployment.services();
        this.progress = op.progress();
    }

    public static void run(Topology topology, StateDir state, Path repoRoot, Progress progress) {
        Deployment deployment = new Deployment(topology, state, repoRoot);
        deployment.provisioner().preflight(); // a missing program, a server that does not answer: before anything is made
        boolean fresh = !state.exists();
        state.create();
        progress.logTo(state.log());
        try (Operation op = Operation.up(deployment, progress)) {
            Topology running = fresh ? null : TopologyStore.load(state.topologyFile());
            if (running != null && !sameShape(running, topology)) {
                throw new OperatorException("the deployment at " + state.path() + " runs a different topology ("
                        + running.name() + ", " + running.hosts().size() + " hosts); use `scaleup scale` to change the"
                        + " counts, or `scaleup down` first");
            }
            if (fresh) {
                state.createSecrets(); // a new deployment; an existing one keeps its own, or is refused without them
            }
            TopologyStore.save(topology, state.topologyFile());
            new Up(op).run();
        }
    }

    /**
     * Starts what a fault stopped and waits for one VIP holder and every host healthy, changing no file (a drill's
     * restore): the deployment as it is recorded in {@code state}. On servers this is {@code systemctl start} of the
     * stopped units instead of the whole playbook; a changed topology still needs {@code up}.
     */
    public static void startStopped(Deployment deployment, Progress progress) {
        progress.logTo(deployment.state().log());
        try (Operation op = Operation.up(deployment, progress)) {
            new Up(op, Mode.START_STOPPED).run();
        }
    }

    /**
     * Within an operation (a restore): starts what it stopped (on servers, {@code systemctl start} of the stopped
     * units, not the whole playbook) and waits for one VIP holder and every host healthy.
     */
    static void startStopped(Operation op) {
        new Up(op, Mode.START_STOPPED).run();
    }

    /** Same deployment apart from settings up may change in place (ports excepted: those need new hosts). */
    static boolean sameShape(Topology a, Topology b) {
        return a.name().equals(b.name()) && a.network().subnet().equals(b.network().subnet()) && a.network().vip().equals(b.network().vip())
                && a.lb().count() == b.lb().count() && a.web().count() == b.web().count() && a.app().count() == b.app().count()
                && a.db().replicas() == b.db().replicas() && a.db().name().equals(b.db().name()) && a.db().user().equals(b.db().user())
                && a.backup().enabled() == b.backup().enabled();
    }

    /**
     * Brings the deployment to {@code target} (scale): the caller has drained and stopped what goes away, and saves
     * the target topology once everything succeeded (so a failed scale can simply be run again).
     */
    static void converge(Operation op) {
        new Up(op, Mode.RECONFIGURE).run();
    }

    void run() {
        Topology topology = deployment.topology();
        progress.step("up: deployment " + topology.name() + ", " + topology.hosts().size() + " hosts in "
                + topology.network().subnet() + ", state in " + deployment.state().path());
        Provisioner provisioner = deployment.provisioner();
        int changes = switch (mode) {
            case CONVERGE -> provisioner.converge(op);
            case RECONFIGURE -> provisioner.reconfigure(op);
            case START_STOPPED -> provisioner.startStopped(op);
        };
        if (mode != Mode.START_STOPPED) {
            // the bootstrap set synchronous mode in etcd for the replica count of that day: a scale from 0 replicas
            // turns it on, a scale of the replicas changes the number of synchronous standbys, and an up brings a
            // cluster bootstrapped by an older scaleup (one synchronous standby) to every replica
            java.util.Optional<String> syncChange = services.db().ensureDynamicConfig(
                    PatroniConfig.synchronousMode(topology), PatroniConfig.synchronousNodeCount(topology));
            syncChange.ifPresent(progress::step);
            if (syncChange.isPresent()) {
                changes++;
            }
        }
        VipAccess access = VipAccess.of(deployment);
        Host holder = awaitVip(access);
        awaitAllHealthy();
        if (changes == 0) {
            progress.step("nothing to do: all " + topology.hosts().size() + " hosts are running and healthy");
        }
        progress.step(String.format("up: %d hosts healthy in %.1f s; VIP %s on %s; open %s/ (curl --cacert %s %s/)%s",
                topology.hosts().size(), progress.elapsedSeconds(), topology.network().vip(), holder.name(), access.https(),
                access.trusted(), access.https(), topology.lb().edge().httpsRedirect()
                        ? "; " + access.http() + "/ redirects there" : "; also plain " + access.http() + "/"));
    }

    /**
     * How long up waits for every host to be healthy once its processes run: as long as an app server's own gate
     * ({@link AppService#READY_TIMEOUT}). A JVM started while a drill's load and 13 servers share 2 cores took 14 s
     * to listen and 20 s to be ready here (2.6 s on an idle machine); in one CI run on servers app1 was still not
     * ready after 60 s, then the bound.
     */
    static final Duration HEALTH_GATE = AppService.READY_TIMEOUT;

    /** A process that runs is not yet a host that serves: up returns only when status says every host is healthy. */
    private void awaitAllHealthy() {
        Status.Report[] last = new Status.Report[1];
        try {
            Readiness.await("every host healthy", HEALTH_GATE, () -> {
                last[0] = Status.collect(deployment);
                return last[0].healthy();
            }, () -> true);
        } catch (Readiness.NotReadyException e) {
            List<String> unhealthy = last[0] == null ? List.of() : last[0].hosts().stream().filter(h -> !h.healthy())
                    .map(h -> h.host().name() + " (" + h.health().details() + ")").toList();
            throw new OperatorException("not every host became healthy within " + HEALTH_GATE.toSeconds() + " s: "
                    + String.join(", ", unhealthy)
                    + (last[0] != null && !last[0].etcdQuorum() ? "; etcd has no quorum" : "")
                    + (last[0] != null && !last[0].gateway().inPlace()
                            ? "; the gateway firewall is " + last[0].gateway().name().toLowerCase(java.util.Locale.ROOT) : "")
                    + "\n(`scaleup status` shows the deployment; `scaleup up` again starts what is missing)");
        }
    }

    /** Waits until exactly one load balancer holds the VIP and the site answers through it. */
    private Host awaitVip(VipAccess access) {
        Topology topology = deployment.topology();
        LbService lb = services.lb();
        // the site as a browser sees it: over HTTPS, the certificate checked against the deployment's CA
        String url = access.https() + "/";
        HttpClient client = HttpClient.newBuilder().sslContext(access.tls()).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(500)).build();
        Host[] holder = new Host[1];
        try {
            Readiness.await("one VIP holder and GET " + url + " = 200", Duration.ofSeconds(30), () -> {
                List<Host> holders = topology.hosts(Role.LB).stream().filter(lb::holdsVip).toList();
                holder[0] = holders.size() == 1 ? holders.get(0) : null;
                return holder[0] != null && Readiness.httpStatus(client, url, Duration.ofSeconds(2)) == 200;
            }, () -> true);
        } catch (Readiness.NotReadyException e) {
            throw new OperatorException("the stack did not answer on the VIP: " + e.getMessage()
                    + "\n(`scaleup status` shows which tier is unhealthy)");
        }
        return holder[0];
    }

}
