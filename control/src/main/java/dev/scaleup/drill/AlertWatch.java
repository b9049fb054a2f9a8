package dev.scaleup.drill;

import dev.scaleup.ops.MonitoringApi;
import dev.scaleup.ops.OperatorException;
import dev.scaleup.render.AlertRules;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Watches Alertmanager during a drill (monitoring.enabled): from the fault on, every quarter second, which alerts
 * fire. The scenario's expected alerts must fire within {@link #FIRE_LIMIT} of the fault and, but for those that
 * stay by design ({@link AlertRules#LATCHING}), be gone within {@link #RESOLVE_LIMIT} of the stack being healthy
 * again. An alert the drill did not expect is reported, not failed: a fault has side effects (a failover's
 * replica restarting) that a pager may rightly hear of.
 */
final class AlertWatch {

    /** The expected alerts fire at most this long after the fault: two failed scrapes, the rule's for, a send. */
    static final Duration FIRE_LIMIT = Duration.ofSeconds(20);
    /** And are resolved at most this long after the stack is healthy again. */
    static final Duration RESOLVE_LIMIT = Duration.ofSeconds(30);

    private final MonitoringApi api;
    private final List<String> expected;
    private final LongSupplier clock;
    private final long faultMicros;
    private final Map<String, Long> firstSeen = new ConcurrentHashMap<>();
    /** When each alert that had fired was seen gone, after the restore. */
    private final Map<String, Long> goneAt = new ConcurrentHashMap<>();
    private final Set<String> others = ConcurrentHashMap.newKeySet();
    private volatile Set<String> firingNow = Set.of();
    private volatile long restoredMicros = Long.MAX_VALUE;
    private volatile boolean stopped;
    private volatile String lastError;
    private final Thread thread;

    AlertWatch(MonitoringApi api, List<String> expected, LongSupplier clock) {
        this.api = api;
        this.expected = List.copyOf(expected);
        this.clock = clock;
        this.faultMicros = clock.getAsLong();
        this.thread = Thread.ofPlatform().daemon().name("alert-watch").unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    private void run() {
        while (!stopped) {
            try {
                Set<String> names = new LinkedHashSet<>();
                api.firing().forEach(a -> names.add(a.name()));
                long now = clock.getAsLong();
                firingNow = Set.copyOf(names);
                for (String name : names) {
                    if (expected.contains(name)) {
                        firstSeen.putIfAbsent(name, now);
                    } else {
                        others.add(name);
                    }
                }
                if (now >= restoredMicros) {
                    for (String name : firstSeen.keySet()) {
                        if (!names.contains(name)) {
                            goneAt.putIfAbsent(name, now);
                        }
                    }
                }
                lastError = null;
            } catch (OperatorException e) {
                lastError = e.getMessage(); // the monitoring host may be slow under the drill's load: try again
            }
            sleep(250);
        }
    }

    /** Whether every expected alert has fired. */
    boolean allFired() {
        return firstSeen.keySet().containsAll(expected);
    }

    /** From now on an alert that fired and is seen gone counts as resolved. */
    void restored() {
        restoredMicros = clock.getAsLong();
    }

    /** Waits until every expected alert that fired and does not stay by design is resolved, at most until the deadline. */
    void awaitResolved(long deadlineMicros) {
        while (clock.getAsLong() < deadlineMicros && !resolvable().stream().allMatch(goneAt::containsKey)) {
            sleep(250);
        }
    }

    void stop() {
        stopped = true;
        thread.interrupt();
    }

    private List<String> resolvable() {
        return expected.stream().filter(n -> !AlertRules.LATCHING.contains(n)).toList();
    }

    /** The checks: each expected alert fired in time, and (but for the latching ones) was resolved in time. */
    List<Check> checks(Long healthyMicros) {
        List<Check> checks = new ArrayList<>();
        for (String name : expected) {
            Long seen = firstSeen.get(name);
            double fireLimit = FIRE_LIMIT.toMillis() / 1000.0;
            checks.add(new Check("alert " + name + " fires after the fault",
                    seen == null ? "never" + (lastError == null ? "" : " (" + lastError + ")")
                            : seconds(seen - faultMicros),
                    String.format(Locale.ROOT, "within %.0f s", fireLimit),
                    seen != null && seen - faultMicros <= FIRE_LIMIT.toNanos() / 1000));
            if (AlertRules.LATCHING.contains(name) || seen == null) {
                continue;
            }
            Long gone = goneAt.get(name);
            boolean ok = gone != null && healthyMicros != null
                    && gone - healthyMicros <= RESOLVE_LIMIT.toNanos() / 1000;
            checks.add(new Check("alert " + name + " resolved once healthy",
                    gone == null ? (firingNow.contains(name) ? "still firing" : "never seen gone")
                            : healthyMicros == null ? "the stack was not healthy again"
                            : seconds(Math.max(0, gone - healthyMicros)) + " after healthy",
                    String.format(Locale.ROOT, "within %d s", RESOLVE_LIMIT.toSeconds()), ok));
        }
        return checks;
    }

    /** The other alerts that fired meanwhile, for the report. */
    List<String> others() {
        return others.stream().sorted().toList();
    }

    /** "WebHostDown after 6.2 s" for each expected alert, for the progress line. */
    String summary() {
        List<String> parts = new ArrayList<>();
        for (String name : expected) {
            Long seen = firstSeen.get(name);
            parts.add(name + (seen == null ? " not fired" : " after " + seconds(seen - faultMicros)));
        }
        return String.join(", ", parts) + (others.isEmpty() ? "" : "; also fired: " + String.join(", ", others()));
    }

    private static String seconds(long micros) {
        return String.format(Locale.ROOT, "%.1f s", micros / 1e6);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
