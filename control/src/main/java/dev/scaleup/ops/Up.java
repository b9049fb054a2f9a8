package dev.scaleup.ops;

import dev.scaleup.render.HostPaths;
import dev.scaleup.render.RenderedFile;
import dev.scaleup.runtime.ProcessSpec;
import dev.scaleup.runtime.Readiness;
import dev.scaleup.runtime.StateDir;
import dev.scaleup.runtime.Target;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Brings a deployment up, or back to what its topology says: creates what is missing (bridge, namespaces,
 * configs, data), starts what is not running, tier by tier (db, app, web, lb), waiting until each process is ready.
 * On a healthy deployment it changes nothing and says so.
 */
public final class Up {

    private final Operation op;
    private final Deployment deployment;
    private final Target target;
    private final Services services;
    private final Progress progress;
    private final AtomicInteger changes = new AtomicInteger();
    private final java.util.Set<Host> needRestart = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private Up(Operation op) {
        this.op = op;
        this.deployment = op.deployment();
        this.target = deployment.target();
        this.services = deployment.services();
        this.progress = op.progress();
    }

    public static void run(Topology topology, StateDir state, Path repoRoot, Progress progress) {
        Deployment deployment = new Deployment(topology, state, repoRoot);
        deployment.tools(); // a missing program is named before anything is made
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

    /** Same deployment apart from settings up may change in place (ports excepted: those need new hosts). */
    static boolean sameShape(Topology a, Topology b) {
        return a.name().equals(b.name()) && a.network().subnet().equals(b.network().subnet()) && a.network().vip().equals(b.network().vip())
                && a.lb().count() == b.lb().count() && a.web().count() == b.web().count() && a.app().count() == b.app().count()
                && a.db().replicas() == b.db().replicas() && a.db().name().equals(b.db().name()) && a.db().user().equals(b.db().user());
    }

    /**
     * Brings the deployment to {@code target} (scale): the caller has drained and stopped what goes away, and saves
     * the target topology once everything succeeded (so a failed scale can simply be run again).
     */
    static void converge(Operation op) {
        new Up(op).run();
    }

    void run() {
        Topology topology = deployment.topology();
        progress.step("up: deployment " + topology.name() + ", " + topology.hosts().size() + " hosts in "
                + topology.network().subnet() + ", state in " + deployment.state().path());
        if (!java.nio.file.Files.exists(deployment.appArtifact().resolve("app.jar"))) {
            // the first build; later builds arrive by `scaleup deploy`, never by up behind a running app tier's back
            Path artifact = AppArtifact.install(AppArtifact.buildDir(deployment.repoRoot()), deployment.state().artifacts());
            deployment.useAppArtifact(artifact);
            change("installed the app build " + artifact.getFileName());
        }
        changeIfAny(target.ensureNetwork());
        for (Host host : topology.hosts()) {
            changeIfAny(target.ensureHost(host));
        }
        // security: the unprivileged users the servers run as exist before any of them starts
        serverUsers().forEach(user -> changeIfAny(target.ensureUser(user)));
        // security: each host's inbound firewall (nftables) is in place before any of its processes starts
        changeIfAny(Firewall.applyGateway(deployment));
        Firewall.apply(deployment).forEach(this::change);
        // security: the certificate HAProxy serves at the VIP (made from the deployment's CA, or the operator's own)
        Certificates.ensure(deployment, progress).forEach(this::change);
        startCoordination();
        for (Role role : List.of(Role.DB, Role.APP, Role.WEB, Role.LB)) {
            // all hosts of a tier at once; db members too: Patroni lets one initialize and the others clone it
            Parallel.forEach(topology.hosts(role), this::bringUp);
            if (role == Role.APP && !needRestart.isEmpty()) {
                // new settings for running app servers: one at a time, drained in nginx first
                List<Host> hosts = topology.hosts(Role.APP).stream().filter(needRestart::contains).toList();
                new AppRollout(op).restart(hosts, 1, null, null);
                changes.incrementAndGet();
            }
        }
        VipAccess access = VipAccess.of(deployment);
        Host holder = awaitVip(access);
        awaitAllHealthy();
        if (changes.get() == 0) {
            progress.step("nothing to do: all " + topology.hosts().size() + " hosts are running and healthy");
        }
        progress.step(String.format("up: %d hosts healthy in %.1f s; VIP %s on %s; open %s/ (curl --cacert %s %s/)%s",
                topology.hosts().size(), progress.elapsedSeconds(), topology.network().vip(), holder.name(), access.https(),
                access.trusted(), access.https(), topology.lb().edge().httpsRedirect()
                        ? "; " + access.http() + "/ redirects there" : "; also plain " + access.http() + "/"));
    }

    /** Every user a server process of the deployment runs as (root's processes name none). */
    private java.util.Set<String> serverUsers() {
        Coordination coordination = new Coordination(deployment);
        java.util.Set<String> users = new java.util.TreeSet<>();
        for (Host host : deployment.topology().hosts()) {
            List<ProcessSpec> specs = new java.util.ArrayList<>(services.of(host.role()).processes(host));
            coordination.process(host).ifPresent(specs::add);
            specs.stream().map(ProcessSpec::user).filter(java.util.Objects::nonNull).forEach(users::add);
        }
        return users;
    }

    private void bringUp(Host host) {
        HostService service = services.of(host.role());
        HostPaths paths = deployment.paths(host);
        List<RenderedFile> files = deployment.render(host);
        boolean wasRunning = service.processes(host).stream().anyMatch(p -> deployment.isRunning(host, p));
        List<String> written = ConfigFiles.write(paths, files);
        changeIfAny(service.prepare(host));
        if (!written.isEmpty()) {
            List<String> checks = ConfigFiles.check(deployment, host, files);
            change(host.name() + ": rendered " + String.join(", ", written)
                    + (checks.isEmpty() ? "" : "; checked by " + String.join(", ", checks)));
            if (wasRunning) {
                String reloaded = service.reload(host, written);
                if (reloaded == null) {
                    needRestart.add(host);
                }
                changeIfAny(reloaded);
            }
        }
        java.util.Set<String> startedNow = new java.util.HashSet<>();
        // the host's etcd member, if any, was started with the others in startCoordination
        for (ProcessSpec spec : service.processes(host)) {
            if (deployment.isRunning(host, spec)) {
                continue;
            }
            long start = System.nanoTime();
            if (spec.supervised()) {
                if (!startedNow.contains(spec.parent())) {
                    restartParent(host, service, spec);
                }
            } else {
                startedNow.add(spec.name());
                long pid = target.start(host, spec);
                change(host.name() + ": started " + spec.name() + " (pid " + pid + ")");
            }
            try {
                service.awaitReady(host, spec);
            } catch (Readiness.NotReadyException e) {
                throw new OperatorException(host.name() + " did not become healthy: " + e.getMessage()
                        + "\n--- last lines of " + target.logName(host, spec.name()) + " ---\n" + target.logTail(host, spec.name(), 20)
                        + "\n(the deployment is left as it is: `scaleup status` shows it, `scaleup down` removes it)");
            }
            progress.step(String.format("%s: %s ready in %.1f s", host.name(), spec.name(), (System.nanoTime() - start) / 1e9));
        }
        service.afterStart(host, progress);
    }

    /** A supervised process is missing while its parent runs: restart the parent, which starts it again. */
    private void restartParent(Host host, HostService service, ProcessSpec child) {
        ProcessSpec parent = service.processes(host).stream().filter(p -> p.name().equals(child.parent())).findFirst()
                .orElseThrow(() -> new IllegalStateException(child.name() + " names an unknown parent " + child.parent()));
        if (deployment.isRunning(host, parent)) {
            String how = target.stop(host, parent, Down.STOP_DEADLINE);
            long pid = target.start(host, parent);
            change(host.name() + ": " + child.name() + " was not running; restarted " + parent.name()
                    + " (old one " + how + ", new pid " + pid + ") to bring it back");
        }
    }

    /** The etcd members start together (none is healthy alone); Patroni needs their quorum. */
    private void startCoordination() {
        Coordination coordination = new Coordination(deployment);
        boolean started = false;
        for (Host member : coordination.members()) {
            ProcessSpec etcd = coordination.process(member).orElseThrow();
            if (!deployment.isRunning(member, etcd)) {
                coordination.prepare(member);
                long pid = target.start(member, etcd);
                change(member.name() + ": started etcd (pid " + pid + ")");
                started = true;
            }
        }
        if (started) {
            long start = System.nanoTime();
            try {
                coordination.awaitQuorum(Duration.ofSeconds(60));
            } catch (Readiness.NotReadyException e) {
                Host first = coordination.members().get(0);
                throw new OperatorException("etcd did not form a cluster: " + e.getMessage() + "\n--- last lines of "
                        + target.logName(first, "etcd") + " ---\n" + target.logTail(first, "etcd", 20));
            }
            progress.step(String.format("etcd: quorum of %d members in %.1f s (%s)", coordination.members().size(),
                    (System.nanoTime() - start) / 1e9,
                    String.join(", ", coordination.members().stream().map(Host::name).toList())));
        }
    }

    /** A process that runs is not yet a host that serves: up returns only when status says every host is healthy. */
    private void awaitAllHealthy() {
        Status.Report[] last = new Status.Report[1];
        try {
            Readiness.await("every host healthy", Duration.ofSeconds(60), () -> {
                last[0] = Status.collect(deployment);
                return last[0].healthy();
            }, () -> true);
        } catch (Readiness.NotReadyException e) {
            List<String> unhealthy = last[0] == null ? List.of() : last[0].hosts().stream().filter(h -> !h.healthy())
                    .map(h -> h.host().name() + " (" + h.health().details() + ")").toList();
            throw new OperatorException("not every host became healthy within 60 s: " + String.join(", ", unhealthy)
                    + (last[0] != null && !last[0].etcdQuorum() ? "; etcd has no quorum" : "")
                    + (last[0] != null && last[0].gateway() != Firewall.State.CURRENT
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

    private void change(String sentence) {
        changes.incrementAndGet();
        progress.step(sentence);
    }

    /** A change when something was done (a sentence), nothing when it was already so (null). */
    private void changeIfAny(String sentence) {
        if (sentence != null) {
            change(sentence);
        }
    }
}
