package dev.scaleup.ops;

import dev.scaleup.render.HostPaths;
import dev.scaleup.render.RenderedFile;
import dev.scaleup.runtime.ProcessSpec;
import dev.scaleup.runtime.Readiness;
import dev.scaleup.runtime.Target;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Up's converge step on the netns target, once: creates what is missing (bridge, namespaces, users, firewalls,
 * configs, data) and starts what is not running, tier by tier (db, app, web, lb), waiting until each process is
 * ready; changed configs are reloaded, or rolled out one app host at a time.
 */
final class LocalConverge {

    private final Operation op;
    private final Deployment deployment;
    private final Target target;
    private final Services services;
    private final Progress progress;
    private final AtomicInteger changes = new AtomicInteger();
    private final java.util.Set<Host> needRestart = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Web hosts and load balancers brought up with the app stage ({@link #coldFrontHosts}). */
    private final List<Host> startedEarly = new java.util.ArrayList<>();
    /** The backup hosts' processes, started in the db stage ({@link #STARTED_WITH_DB}). */
    private final CompletableFuture<Void> backupHostsUp = new CompletableFuture<>();
    /** The backup hosts' stanzas and archiving checks, beside the stages ({@link #startBackupFinish}); null: not yet. */
    private volatile CompletableFuture<Void> stanzas;
    private volatile CompletableFuture<Void> archivingChecks;

    LocalConverge(Operation op) {
        this.op = op;
        this.deployment = op.deployment();
        this.target = deployment.target();
        this.services = deployment.services();
        this.progress = op.progress();
    }

    /** Returns how many changes it made. */
    int run() {
        Topology topology = deployment.topology();
        changeIfAny(AppArtifact.ensureInstalled(deployment));
        // the build's AOT cache is trained (the first time) while the database tier starts, and awaited before the
        // app servers start
        Path bin = deployment.tools().java().toAbsolutePath().getParent();
        Path javaHome = bin.getParent() == null ? bin : bin.getParent();
        Path artifact = deployment.appArtifact();
        Path cacheDir = AppArtifact.aotCacheDir(deployment.repoRoot());
        CompletableFuture<String> aotCache = CompletableFuture.supplyAsync(
                () -> AppArtifact.ensureAotCache(artifact, javaHome, cacheDir),
                r -> Thread.ofVirtual().name("aot-cache").start(r));
        try {
            return converge(topology, aotCache);
        } catch (RuntimeException e) {
            // a failed stage still waits for a running stanza or archiving check, which ends on its own (2 min at most)
            backupHostsUp.completeExceptionally(e);
            CompletableFuture<Void> checks = archivingChecks;
            if (checks != null) {
                checks.exceptionally(x -> null).join();
            }
            throw e;
        } finally {
            // an up that failed before the app servers still waits for the training, which ends its own process
            aotCache.exceptionally(e -> null).join();
        }
    }

    private int converge(Topology topology, CompletableFuture<String> aotCache) {
        changeIfAny(target.ensureNetwork());
        // the first namespace alone (iproute2 makes /run/netns a mount point at its first `ip netns add`, which two at
        // once could race on), then the others at once: about 8 short programs each, 0.05-0.06 s a host one by one
        List<Host> all = topology.hosts();
        if (!all.isEmpty()) {
            changeIfAny(target.ensureHost(all.get(0)));
            Parallel.forEach(all.subList(1, all.size()), host -> changeIfAny(target.ensureHost(host)));
        }
        // security: the unprivileged users the servers run as exist before any of them starts
        serverUsers().forEach(user -> changeIfAny(target.ensureUser(user)));
        // security: each host's inbound firewall (nftables) is in place before any of its processes starts
        changeIfAny(Firewall.applyGateway(deployment));
        Firewall.apply(deployment).forEach(this::change);
        // db.pooler turned on or off on a running deployment: the app servers move one at a time, so until the last has
        // moved the db hosts let them reach both ports (the final rules are loaded once every tier has its settings)
        boolean poolerMoving = PoolerMove.pending(deployment);
        if (poolerMoving) {
            PoolerMove.openBothPorts(deployment).forEach(this::change);
        }
        // security: the certificate HAProxy serves at the VIP (made from the deployment's CA, or the operator's own)
        Certificates.ensure(deployment, progress).forEach(this::change);
        // security: the certificate pgBackRest's hosts present to each other, with backup.enabled
        BackupCertificates.ensure(deployment).forEach(this::change);
        startCoordination();
        for (List<Role> stage : STAGES) {
            if (stage.contains(Role.APP)) {
                String cached = aotCache.join();
                if (cached != null) {
                    progress.step(cached); // not a change of the deployment: a file beside its build
                }
            }
            // all hosts of a tier at once; db members too: Patroni lets one initialize and the others clone it
            boolean dbStage = stage.contains(Role.DB);
            List<Host> stageHosts = new java.util.ArrayList<>(stage.stream().flatMap(r -> topology.hosts(r).stream()).toList());
            if (dbStage) {
                stageHosts.addAll(topology.hosts(STARTED_WITH_DB)); // started now, finished in its own stage
            }
            stageHosts.removeAll(startedEarly);
            if (stage.contains(Role.APP)) {
                startedEarly.addAll(coldFrontHosts(topology));
                stageHosts.addAll(startedEarly);
            }
            if (stage.contains(Role.MON)) {
                join(stanzas); // Prometheus never sees the archiver's failures from before the stanza
            }
            Parallel.forEach(stageHosts, host -> {
                if (dbStage && host.role() == STARTED_WITH_DB) {
                    try {
                        bringUp(host, false);
                        backupHostsUp.complete(null);
                    } catch (RuntimeException e) {
                        backupHostsUp.completeExceptionally(e);
                        throw e;
                    }
                } else if (dbStage && host.role() == Role.DB) {
                    bringUp(host, false);
                    if (services.db().isLeader(host)) {
                        startBackupFinish(topology);
                    }
                    services.of(Role.DB).afterStart(host, progress);
                } else if (host.role() == Role.BACKUP) {
                    bringUp(host, false);
                    startBackupFinish(topology); // nothing when the db stage started it
                } else {
                    awaitPreferredVipHolder(host);
                    bringUp(host, true);
                }
            });
            if (stage.contains(Role.APP) && !needRestart.isEmpty()) {
                // new settings for running app servers: one at a time, drained in nginx first
                List<Host> hosts = topology.hosts(Role.APP).stream().filter(needRestart::contains).toList();
                new AppRollout(op).restart(hosts, 1, null, null);
                changes.incrementAndGet();
            }
        }
        join(archivingChecks);
        if (poolerMoving) {
            Firewall.apply(deployment, topology.hosts(Role.DB)).forEach(this::change);
        }
        // what the topology no longer asks for (PgBouncer with db.pooler turned off), once no tier uses it
        for (Host host : topology.hosts()) {
            services.of(host.role()).stopRetired(host).forEach(this::change);
        }
        // the hosts' log files stay bounded while the deployment runs, with or without a command
        changeIfAny(LogRotation.ensure(deployment));
        return changes.get();
    }

    /**
     * The tiers in start order, each stage's hosts brought up at once: the backup host's stanza with the app servers,
     * since both need only the database (its stanza and first archive check start with the leader and run on
     * beside the stages: {@link #startBackupFinish}). Web hosts and load balancers that do not run yet start with the app servers too ({@link
     * #coldFrontHosts}). The monitoring host comes last, with the load balancers, as on servers: started with the app servers, its
     * Prometheus scraped the web hosts and load balancers for the 8 s before they existed, and every cold up fired
     * LoadBalancerDown for both and VipNoHolder (a page). Beside the load balancers it adds no stage: HAProxy answers
     * within 0.1-0.3 s, far inside the 4 s an alert must hold before it fires.
     */
    private static final List<List<Role>> STAGES = List.of(List.of(Role.DB), List.of(Role.BACKUP, Role.APP),
            List.of(Role.WEB), List.of(Role.LB, Role.MON));

    /**
     * The backup hosts' finish, started once: a new stanza (pgBackRest needs the primary: so as soon as the leader is
     * ready, while the replicas still clone, or else with the app servers), then its {@code pgbackrest check} (a WAL
     * switch, then the segment awaited in the repository: 4-7 s on a cold up), both beside the stages that follow.
     * The stanzas are awaited before the monitoring host starts, so Prometheus never sees the archiver's failures from
     * before them; the checks before up ends. Run in the backup host's stage instead, the check outlasted the app
     * servers in 2 of 4 cold ups (with the AOT cache trained on a database) and held the later stages for 1.5-1.9 s;
     * started with the app servers but beside them, it still ended after them in 3 of 5.
     */
    private synchronized void startBackupFinish(Topology topology) {
        if (stanzas != null) {
            return;
        }
        BackupService backup = services.backup();
        List<Host> backupHosts = topology.hosts(Role.BACKUP);
        java.util.concurrent.Executor virtual = r -> Thread.ofVirtual().name("backup-finish").start(r);
        // the backup hosts' processes start in the db stage beside the db hosts; when the leader comes first, wait
        CompletableFuture<Void> up = backupHosts.isEmpty() ? CompletableFuture.completedFuture(null) : backupHostsUp;
        CompletableFuture<List<Host>> made = up.thenApplyAsync(v -> backupHosts.stream()
                .filter(host -> backup.createStanza(host, progress)).toList(), virtual);
        stanzas = made.thenApply(hosts -> null);
        archivingChecks = made.thenAcceptAsync(hosts -> hosts.forEach(host -> backup.checkArchiving(host, progress)),
                virtual);
    }

    /** Waits for what {@link #startBackupFinish} started, if it did; its failure is up's. */
    private static void join(CompletableFuture<Void> future) {
        if (future == null) {
            return;
        }
        try {
            future.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * A load balancer started with the preferred VIP holder, both cold, starts once that one holds the VIP (5 s at
     * most). Both keepalived start as BACKUP with nopreempt, and the first to miss the other's adverts for 0.17 s takes
     * the VIP and keeps it: started at once, lb2's keepalived came up 0.1 s before lb1's in one cold up and took the VIP,
     * and the first drill's restore then saw lb1 take it over (a VIP move no fault asked for).
     */
    private void awaitPreferredVipHolder(Host host) {
        Topology topology = deployment.topology();
        Host preferred = topology.initialVipHolder();
        if (host.role() != Role.LB || host.equals(preferred) || !startedEarly.contains(host)
                || !startedEarly.contains(preferred)) {
            return;
        }
        try {
            Duration waited = Readiness.await(preferred.name() + " holding the VIP", Duration.ofSeconds(5),
                    () -> services.lb().holdsVip(preferred), () -> true);
            progress.step(host.name() + ": starts once " + preferred.name() + " holds the VIP (waited "
                    + String.format(java.util.Locale.ROOT, "%.1f", waited.toMillis() / 1000.0) + " s)");
        } catch (Readiness.NotReadyException e) {
            progress.step(host.name() + ": starts without waiting longer for " + preferred.name() + " to hold the VIP ("
                    + e.getMessage() + ")");
        }
    }

    /**
     * The web hosts and load balancers none of whose processes runs (a cold {@code up}, a host added or brought back):
     * they start with the app servers instead of after them. Neither waits for the tier behind it (nginx answers its
     * own health check, HAProxy's readiness is its runtime API, keepalived tracks no script), and on a cold {@code up}
     * no client is there yet. That took their stages (0.6-0.7 s of configs' checks and starts) out of the time after
     * the app servers are ready. A host that runs keeps its stage: a changed nginx upstream list or HAProxy backend is
     * loaded only once the servers it names are ready. The monitoring host stays last (see {@link #STAGES}).
     */
    private List<Host> coldFrontHosts(Topology topology) {
        return java.util.stream.Stream.of(Role.WEB, Role.LB).flatMap(r -> topology.hosts(r).stream())
                .filter(host -> services.of(host.role()).processes(host).stream()
                        .noneMatch(p -> deployment.isRunning(host, p)))
                .toList();
    }

    /**
     * The role whose processes start with the db stage, before its own stage finishes it (the stanza): a primary
     * pushes WAL to the backup host's repository, and so does a replica's Patroni before a pg_rewind (every segment
     * still marked ready, one after the other), each push waiting for the repository. Started after the db tier, it
     * made an up after every process of the stack had died (this machine's session ended) wait for db3, which needed a
     * rewind, until the 60 s gate gave up: its Patroni was pushing five segments to a repository not started yet.
     * Finishing it in the db stage too made a cold up 3.7 s longer (the stanza waited for the primary, and the app
     * servers for the stanza).
     */
    private static final Role STARTED_WITH_DB = Role.BACKUP;

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

    /** Brings the host's processes up; with {@code finish}, also what its service does once they run. */
    private void bringUp(Host host, boolean finish) {
        HostService service = services.of(host.role());
        HostPaths paths = deployment.paths(host);
        List<RenderedFile> files = deployment.render(host);
        boolean wasRunning = service.processes(host).stream().anyMatch(p -> deployment.isRunning(host, p));
        List<String> written = ConfigFiles.write(deployment, host, files);
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
        if (finish) {
            service.afterStart(host, progress);
        }
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
