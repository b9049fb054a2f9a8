package dev.scaleup.drill;

import dev.scaleup.loadgen.LoadConfig;
import dev.scaleup.loadgen.LoadGenerator;
import dev.scaleup.loadgen.LoadResult;
import dev.scaleup.loadgen.Mix;
import dev.scaleup.loadgen.Timeline;
import dev.scaleup.loadgen.User;
import dev.scaleup.loadgen.UserSetup;
import dev.scaleup.ops.Deployment;
import dev.scaleup.ops.OperatorException;
import dev.scaleup.ops.Progress;
import dev.scaleup.ops.Status;
import dev.scaleup.ops.VipAccess;
import dev.scaleup.ops.Tools;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

/**
 * One failure drill against a running, healthy stack:
 * <ol>
 *   <li>make users through the VIP and measure the balances on the primary;</li>
 *   <li>run the load generator through the VIP; at a quarter of the run inject the fault;</li>
 *   <li>at 60 % restore it (the primary scenarios first wait until writes resume, bounded by their limit), wait
 *       (bounded) until status calls the whole stack healthy, let the load run a little longer and stop it;</li>
 *   <li>check the data on the current primary against what the clients were told, and the scenario's limits.</li>
 * </ol>
 * Ctrl-C in between restores the fault before the JVM exits.
 */
public final class Drill {

    /**
     * @param seconds run length (0: the scenario's default)
     * @param clients concurrent clients
     * @param users users the clients act as
     */
    public record Options(int seconds, int clients, int users) {
        public static Options defaults() {
            return new Options(0, LoadConfig.DEFAULT_CLIENTS, LoadConfig.DEFAULT_USERS);
        }
    }

    static final Duration HEALTH_WAIT = Duration.ofSeconds(60);
    static final Duration DB_HEALTH_WAIT = Duration.ofSeconds(150);
    static final Duration TAIL = Duration.ofSeconds(3);
    /** The longest an operation (and its undoing) may keep the load running past its nominal length. */
    static final long OPERATION_BUDGET_S = 600;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private Deployment deployment;
    private final Options options;
    private final Progress progress;
    private final Tools tools;
    private Faults faults;
    private AppDatabase db;
    private final Operations operations;

    public Drill(Deployment deployment, Options options, Progress progress) {
        this.deployment = deployment;
        this.options = options;
        this.progress = progress;
        this.tools = Tools.find();
        this.faults = new Faults(deployment, tools);
        this.db = new AppDatabase(deployment, tools);
        this.operations = new Operations(progress);
    }

    /** Reads the topology again (a scale changes it) and rebuilds what works on it. */
    private void reload() {
        deployment = Deployment.open(deployment.state(), deployment.repoRoot());
        faults = new Faults(deployment, tools);
        db = new AppDatabase(deployment, tools);
    }

    /** Refuses with the unhealthy hosts named when the stack is not healthy; returns the status otherwise. */
    public Status.Report requireHealthy() {
        Status.Report status = Status.collect(deployment);
        if (!status.healthy()) {
            throw new UnhealthyStackException("the stack " + deployment.topology().name()
                    + " is not healthy, so a drill would prove nothing: " + String.join("; ", unhealthy(status))
                    + " (`scaleup status` shows it, `scaleup up` mends it)");
        }
        return status;
    }

    /**
     * Whether the drill also sends writes without an Idempotency-Key, which must not fail: operations, except a
     * restart of the db tier. That one moves the primary role (a switchover): for a moment there is no primary, and a
     * write that arrives then is answered 503 db_unavailable; only a write with a key may be sent again.
     */
    static boolean unkeyedWrites(Scenario scenario) {
        return scenario.operation() && scenario != Scenario.RESTART_DB;
    }

    static List<String> unhealthy(Status.Report status) {
        List<String> names = new ArrayList<>();
        for (Status.HostStatus h : status.hosts()) {
            if (!h.healthy()) {
                List<String> down = new ArrayList<>();
                h.processes().forEach((name, pid) -> {
                    if (pid.isEmpty()) {
                        down.add(name + " down");
                    }
                });
                names.add(h.host().name() + " (" + (down.isEmpty() ? "" : String.join(", ", down) + ", ")
                        + h.health().details() + ")");
            }
        }
        if (status.vipHolders() != 1) {
            names.add("VIP held by " + status.vipHolders() + " load balancers");
        }
        if (status.gateway() != dev.scaleup.ops.Firewall.State.CURRENT) {
            names.add("gateway firewall " + status.gateway().name().toLowerCase(Locale.ROOT));
        }
        return names;
    }

    /** Runs one scenario; writes its JSON report under the state directory and returns it. */
    public DrillResult run(Scenario scenario) {
        Instant startedAt = Instant.now();
        String name = scenario.label();
        reload();
        Status.Report before = requireHealthy();
        Topology topology = deployment.topology();
        if (scenario == Scenario.SCALE_IN) {
            Operations.requireScaleIn(topology);
        }
        Host target = scenario.operation() ? null : target(scenario, before);
        String targetName = target == null ? Operations.target(scenario) : target.name();
        int seconds = options.seconds() > 0 ? options.seconds() : scenario.defaultSeconds();
        long faultAt = Math.round(Math.max(2, Math.min(10, seconds * 0.25)) * 1e6);
        long restoreAt = Math.max(faultAt + 2_000_000, Math.round(seconds * 0.6 * 1e6));
        Duration healthWait = scenario.db() || scenario == Scenario.RESTART_DB ? DB_HEALTH_WAIT : HEALTH_WAIT;
        String runId = "dr" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
        // the clients come in as browsers do: over HTTPS, checking the VIP's certificate
        VipAccess access = VipAccess.of(deployment);
        URI vip = access.https();
        progress.step(String.format(Locale.ROOT, "%s: %s (target %s) at %.1f s, restore (%s) at %.1f s%s; %d clients, "
                        + "%d users, %d s of load through %s", name, scenario.fault(), targetName, faultAt / 1e6,
                scenario.restore(), restoreAt / 1e6, scenario.failover() ? " or once writes resume" : "",
                options.clients(), options.users(), seconds, vip));

        List<User> users = UserSetup.create(vip, options.users(), runId, Math.min(8, options.clients()),
                access.tls());
        Host primaryBefore = db.primary(before);
        DataCheck.Balances balancesBefore = db.balances(primaryBefore);
        progress.step(name + ": made " + users.size() + " users; " + balancesBefore.accounts() + " accounts hold "
                + balancesBefore.sumCents() + " cents on " + primaryBefore.name());

        // the load may last past the nominal length while the stack recovers; it is always bounded
        Duration cap = Duration.ofSeconds(seconds).plus(healthWait)
                .plusSeconds(scenario.operation() ? OPERATION_BUDGET_S : scenario.failover() ? 40 : 10);
        LoadConfig config = LoadConfig.defaults(vip)
                .withMix(unkeyedWrites(scenario) ? Mix.operations() : Mix.drill()).withClients(options.clients())
                .withDuration(cap).withKeyPrefix(runId).withTls(access.tls());
        LoadGenerator load = new LoadGenerator(config, users);

        String faultDone = null;
        String restoreDone = null;
        Long faultMicros = null;
        Long faultDoneMicros = null;
        Long restoredMicros = null;
        Long healthyMicros = null;
        Long rejoinMicros = null;
        Long vipHoldersAfter = null;
        Boolean rolledBack = null;
        List<String> unhealthyAtEnd = List.of();
        String error = null;
        LoadResult result;
        load.start();
        RestoreGuard guard = null;
        try {
            sleepUntil(load, faultAt);
            Callable<String> restore = scenario.operation() ? operations.undo(scenario, deployment, topology)
                    : restoreAction(scenario, target);
            guard = new RestoreGuard(name + " on " + targetName, restore, progress);
            faultMicros = load.elapsedMicros();
            faultDone = scenario.operation() ? operations.run(scenario, deployment) : inject(scenario, target);
            faultDoneMicros = load.elapsedMicros();
            if (scenario.operation()) {
                reload();
                progress.step(String.format(Locale.ROOT, "%s: operation from %.1f s to %.1f s (%.1f s): %s", name,
                        faultMicros / 1e6, faultDoneMicros / 1e6, (faultDoneMicros - faultMicros) / 1e6, faultDone));
            } else {
                progress.step(String.format(Locale.ROOT, "%s: fault at %.1f s: %s", name, faultMicros / 1e6, faultDone));
            }

            sleepUntil(load, restoreAt);
            if (scenario.failover()) {
                long limit = faultMicros + (long) (Scenario.WRITES_LIMIT_MS * 1000) + 5_000_000;
                while (load.lastSuccessStartMicros(true) < faultDoneMicros && load.elapsedMicros() < limit) {
                    sleep(100);
                }
                progress.step(load.lastSuccessStartMicros(true) >= faultDoneMicros
                        ? name + ": writes resumed; restoring" : name + ": writes did not resume within the limit; restoring");
            }
            restoreDone = guard.restoreOnce();
            restoredMicros = load.elapsedMicros();
            if (scenario.operation()) {
                reload();
            }
            progress.step(String.format(Locale.ROOT, "%s: restored at %.1f s: %s", name, restoredMicros / 1e6, restoreDone));

            long healthDeadline = load.elapsedMicros() + healthWait.toNanos() / 1000;
            while (true) {
                Status.Report now = Status.collect(deployment);
                long at = load.elapsedMicros();
                boolean rejoined = scenario.failover() && oldPrimaryIsReplica(now, primaryBefore);
                if (rejoined && rejoinMicros == null) {
                    rejoinMicros = at;
                }
                if (now.healthy() && healthyMicros == null) {
                    healthyMicros = at;
                    vipHoldersAfter = now.vipHolders();
                }
                unhealthyAtEnd = unhealthy(now);
                if (scenario == Scenario.DEPLOY_BAD_ARTIFACT && healthyMicros != null && rolledBack == null) {
                    rolledBack = operations.rolledBack(deployment, now);
                }
                if (healthyMicros != null && (!scenario.failover() || rejoinMicros != null)) {
                    progress.step(String.format(Locale.ROOT, "%s: the stack is healthy again at %.1f s", name, at / 1e6));
                    break;
                }
                if (at > healthDeadline) {
                    progress.step(name + ": not healthy " + healthWait.toSeconds() + " s after the restore: "
                            + String.join("; ", unhealthyAtEnd));
                    break;
                }
                sleep(500);
            }
            long stopAt = Math.max(seconds * 1_000_000L,
                    (healthyMicros == null ? load.elapsedMicros() : healthyMicros) + TAIL.toNanos() / 1000);
            if (healthyMicros != null) {
                sleepUntilOrFinished(load, stopAt);
            }
        } catch (RuntimeException | Error e) {
            error = e.getMessage() == null ? e.toString() : e.getMessage();
            progress.step(name + ": the drill failed: " + error);
        } catch (Exception e) {
            error = e.toString();
            progress.step(name + ": the drill failed: " + error);
        } finally {
            if (guard != null) {
                if (!guard.restored() && faultDone != null) {
                    try {
                        restoreDone = guard.restoreOnce();
                        progress.step(name + ": restored: " + restoreDone);
                    } catch (Exception e) {
                        progress.step(name + ": the restore failed: " + e.getMessage() + "; run `scaleup up`");
                    }
                }
                guard.close();
            }
            load.stop();
            result = load.await();
        }
        progress.step(name + ": load finished: " + result.report().requests() + " requests, "
                + result.report().failedRequests() + " failed");

        DataCheck.Result data = null;
        try {
            Status.Report after = Status.collect(deployment);
            if (vipHoldersAfter != null && after.vipHolders() != 1) {
                vipHoldersAfter = after.vipHolders();   // one holder when healthy again must still be one at the end
            }
            Host primary = primaryWithRetry(after);
            List<DataCheck.Row> rows = db.transfers(primary, runId);
            data = DataCheck.compare(result.transfers(), rows, balancesBefore, db.balances(primary));
            progress.step(String.format(Locale.ROOT, "%s: data on %s: %d acknowledged transfers, %d lost, %d applied "
                            + "twice; %d of %d with unknown outcome applied; balances %s", name, primary.name(),
                    data.acknowledged(), data.lost(), data.duplicated(), data.unknownApplied(), data.unknown(),
                    data.balancesConserved() ? "sum unchanged" : "sum changed by " + data.sumDifferenceCents()));
        } catch (RuntimeException e) {
            String why = "data check failed: " + e.getMessage();
            error = error == null ? why : error + "; " + why;
            progress.step(name + ": " + why);
        }

        if (scenario == Scenario.DEPLOY_BAD_ARTIFACT && rolledBack == null) {
            rolledBack = false;
        }
        Recovery recovery = recovery(scenario, result, faultMicros, faultDoneMicros, healthyMicros, rejoinMicros,
                vipHoldersAfter, unhealthyAtEnd, rolledBack);
        List<Check> checks = new ArrayList<>(Limits.checks(scenario, recovery, result.report(), data));
        if (error != null) {
            checks.add(new Check("drill completed", "no: " + error.lines().findFirst().orElse(""), "yes", false));
        }
        boolean passed = checks.stream().allMatch(Check::ok);
        DrillResult drill = new DrillResult(name, startedAt.toString(), passed, targetName, scenario.fault(),
                scenario.restore(), scenario.limit(), faultDone, restoreDone,
                faultMicros == null ? faultAt / 1e6 : faultMicros / 1e6,
                restoredMicros == null ? null : restoredMicros / 1e6, recovery, data, result.report(), checks, error);
        Path file = write(drill, startedAt);
        progress.step(name + ": " + (passed ? "PASSED" : "FAILED: " + failedText(drill)) + " (report " + file + ")");
        return drill;
    }

    static String failedText(DrillResult drill) {
        return String.join("; ", drill.failedChecks().stream()
                .map(c -> c.name() + " " + c.measured() + " (limit " + c.limit() + ")").toList());
    }

    /**
     * Times count from the moment the fault began; "first success after" counts only attempts sent once the fault
     * was complete (an attempt that slipped through while the kill was under way proves nothing).
     */
    static Recovery recovery(Scenario scenario, LoadResult result, Long faultMicros, Long faultDoneMicros,
                             Long healthyMicros, Long rejoinMicros, Long vipHoldersAfter, List<String> unhealthyAtEnd,
                             Boolean rolledBack) {
        Double outage = null;
        Double firstSuccess = null;
        Double firstWrite = null;
        Double healthy = null;
        Double rejoin = null;
        Double operation = null;
        Long served = null;
        Double writeGap = null;
        if (faultMicros != null) {
            writeGap = Timeline.longestGap(writeEnds(result), faultMicros, result.endMicros()).micros() / 1000.0;
            if (scenario.operation() && faultDoneMicros != null) {
                operation = (faultDoneMicros - faultMicros) / 1000.0;
                long n = 0;
                for (long end : result.successEnds()) {
                    if (end >= faultMicros && end <= faultDoneMicros) {
                        n++;
                    }
                }
                served = n;
            }
            outage = Timeline.longestGap(result.successEnds(), faultMicros, result.endMicros()).micros() / 1000.0;
            long done = faultDoneMicros == null ? faultMicros : faultDoneMicros;
            OptionalLong s = result.firstSuccessAfter(done, false);
            OptionalLong w = result.firstSuccessAfter(done, true);
            firstSuccess = s.isPresent() ? (s.getAsLong() + done - faultMicros) / 1000.0 : null;
            firstWrite = w.isPresent() ? (w.getAsLong() + done - faultMicros) / 1000.0 : null;
            healthy = healthyMicros == null ? null : (healthyMicros - faultMicros) / 1000.0;
            rejoin = rejoinMicros == null ? null : (rejoinMicros - faultMicros) / 1000.0;
        }
        return new Recovery(outage, result.report().longestGapMs(), firstSuccess, firstWrite, healthy,
                healthyMicros != null, vipHoldersAfter, scenario.failover() ? rejoinMicros != null : null, rejoin,
                healthyMicros != null ? List.of() : unhealthyAtEnd, operation, served, writeGap, rolledBack);
    }

    /** The ends of the acknowledged writes, sorted (successEnds is). */
    static long[] writeEnds(LoadResult result) {
        long[] ends = result.successEnds();
        boolean[] writes = result.successWrites();
        int n = 0;
        for (boolean w : writes) {
            if (w) {
                n++;
            }
        }
        long[] out = new long[n];
        int k = 0;
        for (int i = 0; i < ends.length; i++) {
            if (writes[i]) {
                out[k++] = ends[i];
            }
        }
        return out;
    }

    private Host target(Scenario scenario, Status.Report status) {
        Topology topology = deployment.topology();
        return switch (scenario) {
            case LB_KILL, LB_PARTITION, HAPROXY_CRASH -> status.vipHolder()
                    .orElseThrow(() -> new OperatorException("no single VIP holder"));
            case WEB_KILL -> topology.hosts(Role.WEB).get(0);
            case APP_KILL -> topology.hosts(Role.APP).get(0);
            case DB_PRIMARY_KILL, DB_PRIMARY_PARTITION -> db.primary(status);
            case DB_REPLICA_KILL -> status.hosts().stream()
                    .filter(h -> h.host().role() == Role.DB && "replica".equals(String.valueOf(h.health().facts().get("db_role"))))
                    .map(Status.HostStatus::host).findFirst()
                    .orElseThrow(() -> new OperatorException("the stack has no database replica to kill"));
            default -> throw new IllegalArgumentException(scenario.label() + " is an operation");
        };
    }

    private String inject(Scenario scenario, Host target) {
        return switch (scenario) {
            case LB_KILL -> faults.killEverything(target);
            case HAPROXY_CRASH -> faults.killProcess(target, "haproxy");
            case WEB_KILL -> faults.killProcess(target, "nginx");
            case APP_KILL -> faults.killProcess(target, "app");
            case DB_PRIMARY_KILL, DB_REPLICA_KILL -> faults.killUser(target, "postgres", List.of("etcd"));
            case LB_PARTITION, DB_PRIMARY_PARTITION -> faults.linkDown(target);
            default -> throw new IllegalArgumentException(scenario.label() + " is an operation");
        };
    }

    private Callable<String> restoreAction(Scenario scenario, Host target) {
        return switch (scenario) {
            case LB_PARTITION, DB_PRIMARY_PARTITION -> () -> faults.linkUp(target);
            default -> () -> faults.up(progress);
        };
    }

    private boolean oldPrimaryIsReplica(Status.Report status, Host oldPrimary) {
        return status.hosts().stream().anyMatch(h -> h.host().equals(oldPrimary) && h.healthy()
                && "replica".equals(String.valueOf(h.health().facts().get("db_role"))));
    }

    private Host primaryWithRetry(Status.Report status) {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Status.Report current = status;
        while (true) {
            try {
                return db.primary(current);
            } catch (OperatorException e) {
                if (System.nanoTime() > end) {
                    throw e;
                }
                sleep(1000);
                current = Status.collect(deployment);
            }
        }
    }

    private Path write(DrillResult drill, Instant startedAt) {
        try {
            Path dir = deployment.state().real().resolve("drills");
            Files.createDirectories(dir);
            Path file = dir.resolve(drill.scenario() + "-" + STAMP.format(startedAt) + ".json");
            Files.writeString(file, drill.toJson() + "\n");
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the drill report", e);
        }
    }

    private static void sleepUntil(LoadGenerator load, long micros) {
        long wait = micros - load.elapsedMicros();
        if (wait > 0) {
            sleep(wait / 1000);
        }
    }

    private static void sleepUntilOrFinished(LoadGenerator load, long micros) {
        while (load.elapsedMicros() < micros && !load.finished()) {
            sleep(Math.min(200, Math.max(1, (micros - load.elapsedMicros()) / 1000)));
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperatorException("interrupted");
        }
    }
}
