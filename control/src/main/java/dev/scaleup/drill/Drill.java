package dev.scaleup.drill;

import dev.scaleup.ops.MonitoringApi;

import static java.util.Objects.requireNonNull;

import dev.scaleup.loadgen.LoadConfig;
import dev.scaleup.ops.Deployment;
import dev.scaleup.ops.Progress;
import dev.scaleup.ops.RefusedException;
import dev.scaleup.ops.Status;
import dev.scaleup.runtime.Readiness;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One failure drill against a running, healthy stack, any scenario the same way:
 * <ol>
 *   <li>let the scenario pick its target, make users through the VIP and measure the balances on the primary;</li>
 *   <li>run the load generator through the VIP and go through the {@link DrillTimeline}: inject the fault at a
 *       quarter of the run, restore it at 60 % (after the scenario's wait), wait (bounded) until status calls the
 *       whole stack healthy, let the load run a little longer and stop it;</li>
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

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final DrillStack stack;
    private final Options options;
    private final Progress progress;

    public Drill(Deployment deployment, Options options, Progress progress) {
        this.stack = new DrillStack(deployment, progress);
        this.options = requireNonNull(options, "options is null");
        this.progress = requireNonNull(progress, "progress is null");
    }

    /** How long a drill waits for a stack that is not healthy yet (settling after the last one) before refusing. */
    static final java.time.Duration SETTLE = java.time.Duration.ofSeconds(20);

    /**
     * Refuses with the unhealthy hosts named when the stack is not healthy within {@link #SETTLE}; returns the status
     * otherwise. The wait is for a stack that is settling (a Patroni busy with a reload after the previous drill's
     * undo did not answer in 2 s on a loaded machine, seen here) and is said; a broken stack is refused after it.
     */
    public Status.Report requireHealthy() {
        Status.Report first = Status.collect(stack.deployment());
        if (first.healthy()) {
            return first;
        }
        progress.step("waiting up to " + SETTLE.toSeconds() + " s for the stack to be healthy: "
                + String.join("; ", unhealthy(first)));
        Status.Report[] last = {first};
        try {
            Readiness.await("a healthy stack", SETTLE,
                    () -> (last[0] = Status.collect(stack.deployment())).healthy(), () -> true);
        } catch (Readiness.NotReadyException e) {
            // refused below, naming what is still unhealthy
        }
        Status.Report status = last[0];
        if (!status.healthy()) {
            throw new UnhealthyStackException("the stack " + stack.deployment().topology().name()
                    + " is not healthy, so a drill would prove nothing: " + String.join("; ", unhealthy(status))
                    + " (`scaleup status` shows it, `scaleup up` mends it)");
        }
        return status;
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
        if (!status.gateway().inPlace()) {
            names.add("gateway firewall " + status.gateway().name().toLowerCase(Locale.ROOT));
        }
        return names;
    }

    /** Runs one scenario; writes its JSON report under the state directory and returns it. */
    public DrillResult run(DrillScenario scenario) {
        Instant startedAt = Instant.now();
        stack.reload();
        scenario.unavailable(stack.deployment()).ifPresent(why -> {
            throw new RefusedException(scenario.name() + ": " + why);
        });
        Status.Report before = requireHealthy();
        Injection injection = scenario.prepare(stack, before);
        boolean awaitsAlerts = !scenario.expectedAlerts().isEmpty()
                && MonitoringApi.of(stack.deployment().topology()).isPresent();
        DrillTimeline timeline = DrillTimeline.of(scenario, options.seconds(), awaitsAlerts);
        DrillRun run = DrillRun.setUp(stack, scenario, injection, timeline, options, before);
        run.startLoad();
        try {
            for (DrillTimeline.Phase phase : timeline.phases()) {
                run.perform(phase);
            }
        } catch (Exception | Error e) {
            run.failed(e);
        } finally {
            run.stop();
        }
        DrillResult drill = run.result(startedAt, run.checkData());
        Path file = write(drill, startedAt);
        progress.step(scenario.name() + ": " + (drill.passed() ? "PASSED" : "FAILED: " + failedText(drill))
                + " (report " + file + ")");
        return drill;
    }

    static String failedText(DrillResult drill) {
        return String.join("; ", drill.failedChecks().stream()
                .map(c -> c.name() + " " + c.measured() + " (limit " + c.limit() + ")").toList());
    }

    private Path write(DrillResult drill, Instant startedAt) {
        try {
            Path dir = stack.deployment().state().real().resolve("drills");
            Files.createDirectories(dir);
            Path file = dir.resolve(drill.scenario() + "-" + STAMP.format(startedAt) + ".json");
            Files.writeString(file, drill.toJson() + "\n");
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the drill report", e);
        }
    }
}
