package dev.scaleup.bench;

import dev.scaleup.ops.Parallel;
import dev.scaleup.runtime.Target;
import dev.scaleup.topology.Host;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * CPU time and memory of a stack's processes, by kind of process (haproxy, nginx, java, postgres, ...), read from
 * every host's /proc/PID/stat. A benchmark takes a snapshot before and after a target's load; the difference is the
 * CPU the stack spent on it. A process counts its own threads, and its children that ended and were reaped
 * (cutime, cstime): a check script's CPU counts for keepalived, an ended backend's for postgres.
 */
public final class ProcessUsage {

    /** Linux reports CPU times in clock ticks of USER_HZ = 100 per second on every architecture it runs on. */
    static final double MICROS_PER_TICK = 10_000;
    static final long PAGE_BYTES = 4096;

    /** The kinds in the order of the request path; anything else is "other" (sshd, systemd, a shell). */
    public static final List<String> KINDS = List.of("haproxy", "keepalived", "nginx", "java", "pgbouncer", "postgres",
            "patroni", "etcd", "pgbackrest", "prometheus", "alertmanager", "exporters", "other");

    /** The kinds that are the monitoring's own processes (what they cost in the processes they scrape is not here). */
    public static final java.util.Set<String> MONITORING_KINDS = java.util.Set.of("prometheus", "alertmanager",
            "exporters");

    /** One process as one stat line describes it. */
    record Proc(long pid, String comm, long ticks, long rssPages) {
    }

    /** One host's process, keyed by host and pid (pids repeat across servers). */
    record Key(String host, long pid) {
    }

    /** Every process of the stack at one moment. */
    public record Snapshot(long nanos, Map<Key, Proc> processes) {
    }

    private ProcessUsage() {
    }

    public static Snapshot snapshot(Target target, List<Host> hosts) {
        Map<Key, Proc> processes = Collections.synchronizedMap(new HashMap<>());
        long start = System.nanoTime();
        Parallel.forEach(hosts, host -> {
            for (String line : target.processStats(host)) {
                parse(line).ifPresent(p -> processes.put(new Key(host.name(), p.pid()), p));
            }
        });
        return new Snapshot((start + System.nanoTime()) / 2, Map.copyOf(processes));
    }

    /**
     * One /proc/PID/stat line: pid (comm) state ppid ... utime stime cutime cstime ... rss. The comm may hold spaces
     * and parentheses, so the fields are counted from its last ')'.
     */
    static Optional<Proc> parse(String line) {
        int open = line.indexOf('(');
        int close = line.lastIndexOf(')');
        if (open < 1 || close < open) {
            return Optional.empty();
        }
        String[] f = line.substring(close + 1).strip().split("\\s+");
        if (f.length < 22) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(line.substring(0, open).strip());
            // f[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17, rss 24
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
            return Optional.of(new Proc(pid, line.substring(open + 1, close), ticks, Long.parseLong(f[21])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The kind a process counts as, by its command name. */
    static String kind(String comm) {
        return switch (comm) {
            case "haproxy", "keepalived", "nginx", "java", "pgbouncer", "postgres", "patroni", "etcd", "pgbackrest",
                 "prometheus" -> comm;
            // the kernel keeps 15 characters of a command's name: prometheus-alertmanager, prometheus-*-exporter
            case "prometheus-aler" -> "alertmanager";
            case "prometheus-node", "prometheus-ngin", "prometheus-post" -> "exporters";
            default -> "other";
        };
    }

    /**
     * CPU microseconds spent between two snapshots, by kind. A process that started in between counts whole; one
     * that ended in between counts only if its parent reaped it (see the class).
     */
    public static Map<String, Double> cpuMicros(Snapshot before, Snapshot after) {
        Map<String, Double> byKind = new TreeMap<>();
        for (Map.Entry<Key, Proc> e : after.processes().entrySet()) {
            Proc then = before.processes().get(e.getKey());
            long earlier = then != null && then.comm().equals(e.getValue().comm()) ? then.ticks() : 0;
            long delta = Math.max(0, e.getValue().ticks() - earlier);
            byKind.merge(kind(e.getValue().comm()), delta * MICROS_PER_TICK, Double::sum);
        }
        return byKind;
    }

    /** Resident memory by kind, in MB (shared pages count once per process that maps them, as RSS does). */
    public static Map<String, Double> rssMb(Snapshot snapshot) {
        Map<String, Double> byKind = new TreeMap<>();
        for (Proc p : snapshot.processes().values()) {
            byKind.merge(kind(p.comm()), p.rssPages() * PAGE_BYTES / 1_048_576.0, Double::sum);
        }
        byKind.replaceAll((k, v) -> Bench.round(v));
        return byKind;
    }

    static double seconds(Snapshot before, Snapshot after) {
        return (after.nanos() - before.nanos()) / 1e9;
    }

    static double total(Map<String, Double> byKind) {
        return byKind.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** "haproxy 100, nginx 95, java 324" in the order of {@link #KINDS}, the kinds that used anything. */
    static String describe(Map<String, Double> byKind, String unit) {
        return describe(byKind, unit, 0);
    }

    /** The same with {@code decimals} digits after the point (kinds that round to 0 are left out). */
    static String describe(Map<String, Double> byKind, String unit, int decimals) {
        List<String> parts = new ArrayList<>();
        for (String kind : KINDS) {
            double v = byKind.getOrDefault(kind, 0.0);
            if (v >= 0.5 / Math.pow(10, decimals)) {
                parts.add(String.format(Locale.ROOT, "%s %." + decimals + "f", kind, v));
            }
        }
        return parts.isEmpty() ? "none" : String.join(", ", parts) + (unit.isEmpty() ? "" : " " + unit);
    }
}
