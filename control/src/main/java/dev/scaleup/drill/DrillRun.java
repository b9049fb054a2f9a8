package dev.scaleup.drill;

import dev.scaleup.ops.MonitoringApi;

import static java.util.Objects.requireNonNull;

import dev.scaleup.loadgen.LoadConfig;
import dev.scaleup.loadgen.LoadGenerator;
import dev.scaleup.loadgen.LoadResult;
import dev.scaleup.loadgen.Mix;
import dev.scaleup.loadgen.User;
import dev.scaleup.loadgen.UserSetup;
import dev.scaleup.logs.Logs;
import dev.scaleup.ops.OperatorException;
import dev.scaleup.ops.Progress;
import dev.scaleup.ops.Status;
import dev.scaleup.ops.VipAccess;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One drill under way: its users and load, the injected fault and what the drill saw, phase by phase of its
 * {@link DrillTimeline}; at the end, the data check and the report.
 */
final class DrillRun {

    private final DrillStack stack;
    private final DrillScenario scenario;
    private final Injection injection;
    private final DrillTimeline timeline;
    private final String runId;
    private final LoadGenerator load;
    private final Host primaryBefore;
    private final Host vipHolderBefore;
    private Instant faultWallClock;
    private Host vipHolderAfter;
    private Host primaryAfter;
    private final DataCheck.Balances balancesBefore;
    private final Progress progress;
    private final String name;
    private final Marks marks = new Marks();
    private RestoreGuard guard;
    private VipWatch vipWatch;
    private AlertWatch alertWatch;
    private String faultDone;
    private String restoreDone;
    private String error;
    private LoadResult result;
    private List<Check> dataChecks = List.of();
    private List<Check> alertChecks = List.of();

    private DrillRun(DrillStack stack, DrillScenario scenario, Injection injection, DrillTimeline timeline,
                     String runId, LoadGenerator load, Host primaryBefore, Host vipHolderBefore,
                     DataCheck.Balances balancesBefore) {
        this.stack = requireNonNull(stack, "stack is null");
        this.scenario = requireNonNull(scenario, "scenario is null");
        this.injection = requireNonNull(injection, "injection is null");
        this.timeline = requireNonNull(timeline, "timeline is null");
        this.runId = requireNonNull(runId, "runId is null");
        this.load = requireNonNull(load, "load is null");
        this.primaryBefore = requireNonNull(primaryBefore, "primaryBefore is null");
        this.vipHolderBefore = vipHolderBefore;
        this.balancesBefore = requireNonNull(balancesBefore, "balancesBefore is null");
        this.progress = stack.progress();
        this.name = scenario.name();
    }

    /** Says what will happen, makes the users through the VIP and measures the balances on the primary. */
    static DrillRun setUp(DrillStack stack, DrillScenario scenario, Injection injection, DrillTimeline timeline,
                          Drill.Options options, Status.Report before) {
        String runId = "dr" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
        // the clients come in as browsers do: over HTTPS, checking the VIP's certificate
        VipAccess access = VipAccess.of(stack.deployment());
        URI vip = access.https();
        String name = scenario.name();
        stack.progress().step(String.format(Locale.ROOT, "%s: %s (target %s) at %.1f s, restore (%s) at %.1f s%s; "
                        + "%d clients, %d users, %d s of load through %s", name, scenario.fault(), injection.target(),
                timeline.faultAtMicros() / 1e6, scenario.restore(), timeline.restoreAtMicros() / 1e6,
                scenario.writesWait().isZero() ? "" : " or once writes resume", options.clients(), options.users(),
                timeline.seconds(), vip));

        List<User> users = UserSetup.create(vip, options.users(), runId, Math.min(8, options.clients()),
                access.tls());
        Host primaryBefore = stack.db().primary(before);
        DataCheck.Balances balancesBefore = stack.db().balances(primaryBefore);
        stack.progress().step(name + ": made " + users.size() + " users; " + balancesBefore.accounts()
                + " accounts hold " + balancesBefore.sumCents() + " cents on " + primaryBefore.name());

        // the load may last past the nominal length while the stack recovers; it is always bounded
        LoadConfig config = LoadConfig.defaults(vip)
                .withMix(scenario.unkeyedWrites() ? Mix.operations() : Mix.drill()).withClients(options.clients())
                .withDuration(timeline.loadCap()).withKeyPrefix(runId).withTls(access.tls());
        return new DrillRun(stack, scenario, injection, timeline, runId, new LoadGenerator(config, users),
                primaryBefore, before.vipHolder().orElse(null), balancesBefore);
    }

    void startLoad() {
        load.start();
        stack.timeLoad(load::elapsedMicros);
    }

    void perform(DrillTimeline.Phase phase) throws Exception {
        switch (phase) {
            case INJECT -> inject();
            case HOLD -> sleepUntil(timeline.restoreAtMicros());
            case AWAIT_WRITES -> awaitWrites();
            case AWAIT_ALERTS -> awaitAlerts();
            case RESTORE -> restore();
            case AWAIT_HEALTHY -> awaitHealthy();
            case TAIL -> tail();
        }
    }

    private void inject() throws Exception {
        sleepUntil(timeline.faultAtMicros());
        guard = new RestoreGuard(name + " on " + injection.target(), injection::restore, progress);
        if (scenario.watchesVipHolders()) {
            vipWatch = new VipWatch(stack.deployment(), load::elapsedMicros);
            vipWatch.start();
        }
        if (timeline.phases().contains(DrillTimeline.Phase.AWAIT_ALERTS)) {
            alertWatch = new AlertWatch(MonitoringApi.of(stack.deployment().topology()).orElseThrow(),
                    scenario.expectedAlerts(), load::elapsedMicros);
            alertWatch.start();
        }
        marks.fault = load.elapsedMicros();
        faultWallClock = Instant.now();
        faultDone = injection.inject();
        marks.faultDone = load.elapsedMicros();
        if (scenario.changesDeployment()) {
            stack.reload();
        }
        progress.step(scenario.injected(marks.fault, marks.faultDone, faultDone));
    }

    private void awaitWrites() {
        long limit = marks.fault + micros(scenario.writesWait());
        while (load.lastSuccessStartMicros(true) < marks.faultDone && load.elapsedMicros() < limit) {
            sleep(100);
        }
        progress.step(load.lastSuccessStartMicros(true) >= marks.faultDone
                ? name + ": writes resumed; restoring" : name + ": writes did not resume within the limit; restoring");
    }

    private void awaitAlerts() {
        long limit = marks.fault + micros(AlertWatch.FIRE_LIMIT);
        while (!alertWatch.allFired() && load.elapsedMicros() < limit) {
            sleep(100);
        }
        progress.step(name + ": alerts: " + alertWatch.summary() + (alertWatch.allFired() ? "" : " (waited "
                + AlertWatch.FIRE_LIMIT.toSeconds() + " s)") + "; restoring");
    }

    private void restore() throws Exception {
        if (alertWatch != null) {
            alertWatch.restored();
        }
        restoreDone = guard.restoreOnce();
        marks.restored = load.elapsedMicros();
        if (scenario.changesDeployment()) {
            stack.reload();
        }
        progress.step(String.format(Locale.ROOT, "%s: restored at %.1f s: %s", name, marks.restored / 1e6,
                restoreDone));
    }

    private void awaitHealthy() {
        long deadline = load.elapsedMicros() + micros(timeline.healthWait());
        while (true) {
            Status.Report now = Status.collect(stack.deployment());
            long at = load.elapsedMicros();
            if (scenario.awaitsOldPrimary() && marks.rejoined == null && isHealthyReplica(now, primaryBefore)) {
                marks.rejoined = at;
            }
            if (now.healthy() && marks.healthy == null) {
                marks.healthy = at;
                marks.vipHoldersAfter = now.vipHolders();
                injection.healthyAgain(now);
            }
            marks.unhealthyAtEnd = Drill.unhealthy(now);
            if (marks.healthy != null && (!scenario.awaitsOldPrimary() || marks.rejoined != null)) {
                progress.step(String.format(Locale.ROOT, "%s: the stack is healthy again at %.1f s", name, at / 1e6));
                return;
            }
            if (at > deadline) {
                progress.step(name + ": not healthy " + timeline.healthWait().toSeconds() + " s after the restore: "
                        + String.join("; ", marks.unhealthyAtEnd));
                return;
            }
            sleep(500);
        }
    }

    private void tail() {
        if (marks.healthy != null) {
            sleepUntilOrFinished(timeline.stopAtMicros(marks.healthy));
        }
    }

    /** The drill could not go on: it says why, and goes on to stop the load and check the data. */
    void failed(Throwable e) {
        boolean unchecked = e instanceof RuntimeException || e instanceof Error;
        error = unchecked && e.getMessage() != null ? e.getMessage() : e.toString();
        progress.step(name + ": the drill failed: " + error);
    }

    /** Restores the fault if it is still in place (the drill failed in between), then stops the load. */
    void stop() {
        if (guard != null) {
            // also when the injection failed half-way (a fault in steps): as the shutdown hook does
            if (!guard.restored()) {
                try {
                    restoreDone = guard.restoreOnce();
                    progress.step(name + ": restored: " + restoreDone);
                } catch (Exception e) {
                    progress.step(name + ": the restore failed: " + e.getMessage() + "; run `scaleup up`");
                }
            }
            guard.close();
        }
        if (vipWatch != null) {
            try {
                marks.longestSplitBrain = vipWatch.stop();
                progress.step(String.format(Locale.ROOT, "%s: longest split brain (two VIP holders): %.0f ms", name,
                        marks.longestSplitBrain / 1000.0));
            } catch (IllegalStateException e) {
                failed(e); // not measured: the split-brain limit fails too
            }
        }
        load.stop();
        result = load.await();
        if (alertWatch != null) {
            if (marks.healthy != null) {
                alertWatch.awaitResolved(marks.healthy + micros(AlertWatch.RESOLVE_LIMIT));
            }
            alertWatch.stop();
            alertChecks = alertWatch.checks(marks.healthy);
            progress.step(name + ": alerts: " + String.join("; ", alertChecks.stream()
                    .map(c -> c.name() + ": " + c.measured()).toList()));
        }
        progress.step(name + ": load finished: " + result.report().requests() + " requests, "
                + result.report().failedRequests() + " failed");
    }

    /** Checks the data on the current primary against what the clients were told; null when it could not. */
    DataCheck.Result checkData() {
        try {
            Status.Report after = Status.collect(stack.deployment());
            if (marks.vipHoldersAfter != null && after.vipHolders() != 1) {
                // one holder when healthy again must still be one at the end
                marks.vipHoldersAfter = after.vipHolders();
            }
            vipHolderAfter = after.vipHolder().orElse(null);
            Host primary = primaryWithRetry(after);
            primaryAfter = primary;
            List<DataCheck.Row> rows = stack.db().transfers(primary, runId);
            DataCheck.Result data = DataCheck.compare(injection.expected(result.transfers()), rows, balancesBefore,
                    stack.db().balances(primary));
            dataChecks = injection.dataChecks(result.transfers(), rows);
            progress.step(String.format(Locale.ROOT, "%s: data on %s: %d acknowledged transfers, %d lost, %d applied "
                            + "twice; %d of %d with unknown outcome applied; balances %s", name, primary.name(),
                    data.acknowledged(), data.lost(), data.duplicated(), data.unknownApplied(), data.unknown(),
                    data.balancesConserved() ? "sum unchanged" : "sum changed by " + data.sumDifferenceCents()));
            return data;
        } catch (RuntimeException e) {
            String why = "data check failed: " + e.getMessage();
            error = error == null ? why : error + "; " + why;
            progress.step(name + ": " + why);
            return null;
        }
    }

    /** What the drill measured and decided: the recovery, the scenario's limits, and whether it could finish. */
    DrillResult result(Instant startedAt, DataCheck.Result data) {
        Recovery recovery = marks.recovery(scenario, result, injection.rolledBack());
        List<Check> checks = new ArrayList<>(Limits.checks(scenario, recovery, result.report(), data));
        checks.addAll(injection.checks());
        checks.addAll(dataChecks);
        checks.addAll(alertChecks);
        checks.addAll(Limits.noFalseFailover(scenario, vipHolderBefore, vipHolderAfter, primaryBefore, primaryAfter));
        if (error != null) {
            checks.add(new Check("drill completed", "no: " + error.lines().findFirst().orElse(""), "yes", false));
        }
        boolean passed = checks.stream().allMatch(Check::ok);
        return new DrillResult(name, startedAt.toString(), passed, injection.target(), scenario.fault(),
                scenario.restore(), scenario.limit(), faultDone, restoreDone,
                (marks.fault == null ? timeline.faultAtMicros() : marks.fault) / 1e6,
                faultWallClock == null ? null : faultWallClock.toString(),
                marks.restored == null ? null : marks.restored / 1e6, recovery, data, result.report(), checks, error,
                failoverTimeline(recovery));
    }

    /**
     * The failover step by step from the survivors' logs (scenarios that may move the VIP or the primary); empty when
     * there was none to read, or the logs could not be read (the drill's verdict does not depend on it).
     */
    private FailoverTimeline failoverTimeline(Recovery recovery) {
        List<Role> roles = FailoverTimeline.roles(scenario);
        if (faultWallClock == null || roles.isEmpty()) {
            return new FailoverTimeline(List.of());
        }
        try {
            List<Host> hosts = stack.deployment().topology().hosts().stream().filter(h -> roles.contains(h.role()))
                    .toList();
            ZoneId zone = ZoneId.systemDefault();
            List<Logs.Line> lines = new ArrayList<>();
            Logs.read(stack.deployment().target(), hosts, Optional.empty(),
                            Optional.of(faultWallClock.minusSeconds(2)))
                    .forEach((host, sources) -> sources.forEach((source, text) ->
                            lines.addAll(Logs.timed(host.name(), source, text, zone))));
            // "" excludes no host: the one the fault hit recovers by itself
            String survivorsOnly = scenario.recoversInPlace() ? "" : injection.target();
            FailoverTimeline failover = FailoverTimeline.of(scenario, faultWallClock, survivorsOnly, lines,
                    recovery.faultToFirstSuccessMs(), recovery.faultToFirstWriteMs());
            if (!failover.steps().isEmpty()) {
                progress.step(name + ": " + failover.text());
            }
            return failover;
        } catch (RuntimeException e) {
            progress.step(name + ": no failover timeline: the logs could not be read: " + e.getMessage());
            return new FailoverTimeline(List.of());
        }
    }

    private static boolean isHealthyReplica(Status.Report status, Host host) {
        return status.hosts().stream().anyMatch(h -> h.host().equals(host) && h.healthy() && AppDatabase.isReplica(h));
    }

    private Host primaryWithRetry(Status.Report status) {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Status.Report current = status;
        while (true) {
            try {
                return stack.db().primary(current);
            } catch (OperatorException e) {
                if (System.nanoTime() > end) {
                    throw e;
                }
                sleep(1000);
                current = Status.collect(stack.deployment());
            }
        }
    }

    private void sleepUntil(long micros) {
        long wait = micros - load.elapsedMicros();
        if (wait > 0) {
            sleep(wait / 1000);
        }
    }

    private void sleepUntilOrFinished(long micros) {
        while (load.elapsedMicros() < micros && !load.finished()) {
            sleep(Math.min(200, Math.max(1, (micros - load.elapsedMicros()) / 1000)));
        }
    }

    private static long micros(Duration duration) {
        return duration.toNanos() / 1000;
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
