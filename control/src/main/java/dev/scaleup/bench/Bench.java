package dev.scaleup.bench;

import dev.scaleup.loadgen.Json;
import dev.scaleup.loadgen.LoadConfig;
import dev.scaleup.loadgen.Op;
import dev.scaleup.loadgen.User;
import dev.scaleup.loadgen.UserSetup;
import dev.scaleup.ops.Deployment;
import dev.scaleup.ops.OperatorException;
import dev.scaleup.ops.Progress;
import dev.scaleup.ops.Status;
import dev.scaleup.ops.VipAccess;
import dev.scaleup.runtime.StateDir;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * A benchmark, not a test: wrk (a field-standard load generator, {@link Wrk}) puts the same closed-loop load
 * (threads, connections, seconds) on each target in one run, so the numbers compare. For each target it reports
 * throughput, latency and errors, and the CPU the stack's processes spent per request, by kind of process, read from
 * /proc before and after ({@link ProcessUsage}); and what the stack spends idle (measured first, in the same run).
 * The baseline is nginx serving a static file through the whole stack (VIP → HAProxy → nginx); each endpoint
 * measured both directly and through the stack gives what the hops in front of it cost, in latency, throughput and
 * CPU: the chain's CPU per request ÷ the sum of its parts (the endpoint on the app directly + a static file through
 * the VIP). The reads are also sent to the app directly at the rate they reached through the stack, so that the parts
 * can be compared at the chain's rate too ({@link Hop}).
 */
public final class Bench {

    /**
     * @param seconds per target; @param warmupSeconds unmeasured load before each target; @param idleSeconds the
     * stack's idle cost is measured over this long before the first target
     */
    public record Options(int seconds, int warmupSeconds, int threads, int connections, int users, int idleSeconds) {
        public static Options defaults() {
            return new Options(8, 4, 2, 32, LoadConfig.DEFAULT_USERS, 5);
        }
    }

    /**
     * One thing measured: an operation against a base URL, via the stack (VIP) or directly at one host. A target
     * {@code pacedTo} another is sent at the rate that one reached in the same run (see {@link Hop}); else closed-loop.
     */
    public record Target(String name, String what, String via, URI base, Op op, String pacedTo) {
        public Target(String name, String what, String via, URI base, Op op) {
            this(name, what, via, base, op, null);
        }

        public String url() {
            return base + op.path();
        }
    }

    /**
     * What one target cost the stack: CPU microseconds per request, by kind of process and in all. Gross: the stack's
     * background work during the target (etcd, Patroni, health checks; {@link Idle} says how much) is in it too.
     */
    public record Cpu(double totalMicros, Map<String, Double> byKindMicros) {
        static Cpu perRequest(Map<String, Double> spentMicros, long requests) {
            Map<String, Double> byKind = new TreeMap<>();
            for (Map.Entry<String, Double> e : spentMicros.entrySet()) {
                byKind.put(e.getKey(), requests <= 0 ? 0 : round(e.getValue() / requests));
            }
            return new Cpu(round(ProcessUsage.total(byKind)), byKind);
        }
    }

    /**
     * The numbers of one target. Ratios are to the baseline (the static file through the stack) of the same run:
     * {@code rpsRatio} < 1 means fewer requests per second, {@code p50Ratio} > 1 slower.
     */
    public record TargetResult(String name, String what, String via, String url, long requests, long errors,
                               String errorDetail, double requestsPerSecond, double p50Ms, double p99Ms, double maxMs,
                               double rpsRatio, double p50Ratio, double p99Ratio, Cpu cpuPerRequest) {
    }

    /**
     * What the hops in front of an endpoint cost: through the stack against directly. {@code cpuPartsMicros} is the
     * endpoint directly plus a static file through the VIP (what HAProxy and nginx cost alone), or for the static file
     * itself nginx directly; {@code cpuChainOverParts} is the chain's CPU per request ÷ that.
     *
     * <p>On a machine whose cores every server shares, a process spends more CPU a request at a lower rate (more
     * wake-ups a request), and the chain runs at a lower rate than its parts. So where the endpoint was also measured
     * directly at the chain's rate ({@code paced}), {@code cpuPacedPartsMicros} is that plus the static file, and
     * {@code cpuChainOverPacedParts} the chain ÷ that: what is left of the difference when the app is not at a higher
     * rate than in the chain. 0 where there is no paced target.
     */
    public record Hop(String what, String hops, String stack, String direct, double p50OverheadMs,
                      double p99OverheadMs, double throughputRatio, double cpuStackMicros, double cpuPartsMicros,
                      double cpuChainOverParts, String paced, double cpuPacedPartsMicros, double cpuChainOverPacedParts) {
    }

    /**
     * The stack with no traffic: CPU by kind of process in percent of one core; of the total, what the monitoring's
     * own processes spent (Prometheus, Alertmanager, the exporters), so that the serving stack's part can be read.
     */
    public record Idle(double seconds, double totalPercentOfCore, double monitoringPercentOfCore,
                       Map<String, Double> byKindPercentOfCore) {

        static Idle of(double seconds, Map<String, Double> byKindPercentOfCore) {
            double monitoring = byKindPercentOfCore.entrySet().stream()
                    .filter(e -> ProcessUsage.MONITORING_KINDS.contains(e.getKey()))
                    .mapToDouble(Map.Entry::getValue).sum();
            return new Idle(round(seconds), round(ProcessUsage.total(byKindPercentOfCore)), round(monitoring),
                    byKindPercentOfCore);
        }
    }

    /** Resident memory of every process of the stack at the end of the run, by kind. */
    public record Memory(double totalRssMb, int processes, Map<String, Double> byKindRssMb) {
    }

    public record Result(String deployment, String startedAt, String loadGenerator, int threads, int connections,
                         int secondsPerTarget, int warmupSeconds, int users, Machine machine, Idle idle, Memory memory,
                         String baseline, List<TargetResult> targets, List<Hop> hops) {
        public String toJson() {
            return Json.write(this);
        }
    }

    /** One target as measured: wrk's numbers and the CPU the stack spent meanwhile. */
    record Measured(Wrk.Result load, Cpu cpu) {
    }

    private final Deployment deployment;
    private final Options options;
    private final Progress progress;

    public Bench(Deployment deployment, Options options, Progress progress) {
        this.deployment = deployment;
        this.options = options;
        this.progress = progress;
    }

    /** The targets, baseline first. */
    public static List<Target> targets(Topology topology) {
        // through the stack as a browser comes: over HTTPS (the direct targets are plain HTTP, as nginx and the app serve)
        URI vip = VipAccess.httpsUrl(topology);
        Host web = topology.hosts(Role.WEB).get(0);
        Host app = topology.hosts(Role.APP).get(0);
        URI webUrl = URI.create("http://" + web.address() + ":" + topology.web().port());
        URI appUrl = appUrl(topology);
        String stack = "stack";
        String direct = "direct " + web.name();
        String directApp = "direct " + app.name();
        return List.of(
                new Target("static-stack", "nginx static file", stack, vip, Op.STATIC),
                new Target("static-web", "nginx static file", direct, webUrl, Op.STATIC),
                new Target("healthz-app", "app GET /healthz", directApp, appUrl, Op.HEALTHZ),
                new Target("me-app", "GET /api/accounts/me", directApp, appUrl, Op.ACCOUNT_ME),
                new Target("me-stack", "GET /api/accounts/me", stack, vip, Op.ACCOUNT_ME),
                new Target("me-app-paced", "GET /api/accounts/me", directApp + " at me-stack's rate", appUrl,
                        Op.ACCOUNT_ME, "me-stack"),
                new Target("posts-app", "GET /api/posts", directApp, appUrl, Op.POSTS),
                new Target("posts-stack", "GET /api/posts", stack, vip, Op.POSTS),
                new Target("posts-app-paced", "GET /api/posts", directApp + " at posts-stack's rate", appUrl, Op.POSTS,
                        "posts-stack"),
                new Target("transfer-app", "POST /api/transfers", directApp, appUrl, Op.TRANSFER),
                new Target("transfer-stack", "POST /api/transfers", stack, vip, Op.TRANSFER));
    }

    /** app1 directly, plain HTTP as the app serves. */
    static URI appUrl(Topology topology) {
        Host app = topology.hosts(Role.APP).get(0);
        return URI.create("http://" + app.address() + ":" + topology.app().port());
    }

    public Result run() {
        Wrk.requireInstalled();
        Topology topology = deployment.topology();
        Status.Report status = Status.collect(deployment);
        if (!status.healthy()) {
            List<String> bad = status.hosts().stream().filter(h -> !h.healthy())
                    .map(h -> h.host().name() + " (" + h.health().details() + ")").toList();
            throw new OperatorException("the stack " + topology.name() + " is not healthy; a benchmark would measure "
                    + "the damage: " + (bad.isEmpty() ? "VIP held by " + status.vipHolders() + " load balancers"
                    : String.join("; ", bad)));
        }
        Instant startedAt = Instant.now();
        Machine machine = Machine.describe();
        List<Target> targets = targets(topology);
        List<Host> hosts = topology.hosts();
        Idle idle = idle(hosts);
        progress.step(String.format(Locale.ROOT, "bench: the stack idle for %.0f s: %s", idle.seconds(),
                describeIdle(idle)));
        String runId = "bn" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
        // the users are made on app1 directly: through the VIP, the load balancers' limit on sign-ins and sign-ups
        // (30 in 10 s per client address) made 20 users take 22 s
        List<User> users = UserSetup.create(appUrl(topology), options.users(), runId, 8);
        Wrk.Load load = new Wrk.Load(options.threads(), options.connections(), options.seconds());
        progress.step(String.format(Locale.ROOT, "bench: %d targets with wrk, %d threads and %d connections, %d s each "
                        + "after %d s of warm-up; made %d users", targets.size(), options.threads(),
                options.connections(), options.seconds(), options.warmupSeconds(), users.size()));
        List<Measured> measured = new ArrayList<>();
        Path scratch = scratch();
        try {
            int n = 0;
            for (Target target : targets) {
                String prefix = runId + "-" + n++;
                Wrk.Load targetLoad = target.pacedTo() == null ? load
                        : load.paced(rateOf(target.pacedTo(), targets, measured));
                if (options.warmupSeconds() > 0) {
                    Wrk.run(target.url(), target.op(), users, prefix + "w", targetLoad.lasting(options.warmupSeconds()),
                            scratch);
                }
                ProcessUsage.Snapshot before = ProcessUsage.snapshot(deployment.target(), hosts);
                Wrk.Result r = Wrk.run(target.url(), target.op(), users, prefix, targetLoad, scratch);
                ProcessUsage.Snapshot after = ProcessUsage.snapshot(deployment.target(), hosts);
                Cpu cpu = Cpu.perRequest(ProcessUsage.cpuMicros(before, after), r.requests() - r.errors());
                measured.add(new Measured(r, cpu));
                progress.step(String.format(Locale.ROOT, "bench: %-15s %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  "
                                + "CPU %5.0f µs/request (%s)%s", target.name(), r.requestsPerSecond(), r.p50Ms(),
                        r.p99Ms(), cpu.totalMicros(), ProcessUsage.describe(cpu.byKindMicros(), ""),
                        r.errors() == 0 ? "" : "  errors: " + r.errorSummary()));
            }
        } finally {
            StateDir.deleteTree(scratch);
        }
        ProcessUsage.Snapshot end = ProcessUsage.snapshot(deployment.target(), hosts);
        Map<String, Double> rss = ProcessUsage.rssMb(end);
        Memory memory = new Memory(round(ProcessUsage.total(rss)), end.processes().size(), rss);
        return assemble(topology.name(), startedAt.toString(), options, users.size(), machine, idle, memory, targets,
                measured);
    }

    /** The req/s the named target reached (measured before the one paced to it; at least 1). */
    static double rateOf(String name, List<Target> targets, List<Measured> measured) {
        for (int i = 0; i < measured.size(); i++) {
            if (targets.get(i).name().equals(name)) {
                return Math.max(1, measured.get(i).load().requestsPerSecond());
            }
        }
        throw new IllegalStateException(name + " is not measured before the target paced to it");
    }

    private Idle idle(List<Host> hosts) {
        ProcessUsage.Snapshot before = ProcessUsage.snapshot(deployment.target(), hosts);
        try {
            Thread.sleep(options.idleSeconds() * 1000L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperatorException("interrupted");
        }
        ProcessUsage.Snapshot after = ProcessUsage.snapshot(deployment.target(), hosts);
        double seconds = ProcessUsage.seconds(before, after);
        Map<String, Double> percent = new TreeMap<>();
        ProcessUsage.cpuMicros(before, after).forEach((k, v) -> percent.put(k, round(v / seconds / 10_000)));
        return Idle.of(seconds, percent);
    }

    private static Path scratch() {
        try {
            return Files.createTempDirectory("scaleup-bench");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ratios and hops from what was measured (same order as the targets). Pure. */
    static Result assemble(String deployment, String startedAt, Options options, int users, Machine machine, Idle idle,
                           Memory memory, List<Target> targets, List<Measured> measured) {
        Wrk.Result base = measured.get(0).load();
        List<TargetResult> results = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            Target t = targets.get(i);
            Wrk.Result r = measured.get(i).load();
            results.add(new TargetResult(t.name(), t.what(), t.via(), t.url(), r.requests(), r.errors(),
                    r.errorSummary(), r.requestsPerSecond(), r.p50Ms(), r.p99Ms(), r.maxMs(),
                    ratio(r.requestsPerSecond(), base.requestsPerSecond()), ratio(r.p50Ms(), base.p50Ms()),
                    ratio(r.p99Ms(), base.p99Ms()), measured.get(i).cpu()));
        }
        TargetResult staticStack = results.get(0);
        List<Hop> hops = new ArrayList<>();
        for (TargetResult stack : results) {
            if (!stack.via().equals("stack")) {
                continue;
            }
            TargetResult pacedDirect = IntStream.range(0, results.size())
                    .filter(i -> stack.name().equals(targets.get(i).pacedTo()))
                    .mapToObj(results::get).findFirst().orElse(null);
            IntStream.range(0, results.size())
                    .filter(i -> targets.get(i).pacedTo() == null && !results.get(i).via().equals("stack")
                            && results.get(i).what().equals(stack.what()))
                    .mapToObj(results::get).findFirst()
                    .ifPresent(direct -> {
                        boolean web = direct.via().contains("web");
                        double front = web ? 0 : staticStack.cpuPerRequest().totalMicros();
                        double parts = direct.cpuPerRequest().totalMicros() + front;
                        double pacedParts = pacedDirect == null ? 0 : pacedDirect.cpuPerRequest().totalMicros() + front;
                        hops.add(new Hop(stack.what(), web ? "VIP (TLS) → haproxy" : "VIP (TLS) → haproxy → nginx",
                                stack.name(), direct.name(), round(stack.p50Ms() - direct.p50Ms()),
                                round(stack.p99Ms() - direct.p99Ms()),
                                ratio(stack.requestsPerSecond(), direct.requestsPerSecond()),
                                stack.cpuPerRequest().totalMicros(), round(parts),
                                ratio(stack.cpuPerRequest().totalMicros(), parts),
                                pacedDirect == null ? null : pacedDirect.name(), round(pacedParts),
                                ratio(stack.cpuPerRequest().totalMicros(), pacedParts)));
                    });
        }
        return new Result(deployment, startedAt, "wrk", options.threads(), options.connections(), options.seconds(),
                options.warmupSeconds(), users, machine, idle, memory, targets.get(0).name(), results, hops);
    }

    /** The tables for people (also the ones in docs/BENCHMARKS.md). */
    public static String table(Result result) {
        StringBuilder s = new StringBuilder();
        s.append("| target | what | via | req/s | p50 ms | p99 ms | errors | req/s ÷ baseline | CPU µs/request | by process (µs/request) |\n");
        s.append("|---|---|---|---:|---:|---:|---:|---:|---:|---|\n");
        for (TargetResult t : result.targets()) {
            s.append(String.format(Locale.ROOT, "| %s | %s | %s | %.0f | %.2f | %.2f | %d | %.2f | %.0f | %s |%n",
                    t.name(), t.what(), t.via(), t.requestsPerSecond(), t.p50Ms(), t.p99Ms(), t.errors(), t.rpsRatio(),
                    t.cpuPerRequest().totalMicros(), ProcessUsage.describe(t.cpuPerRequest().byKindMicros(), "")));
        }
        s.append("\n| endpoint | hops in front | p50 overhead ms | p99 overhead ms | req/s stack ÷ direct | CPU µs chain "
                + "| CPU µs parts | chain ÷ parts | CPU µs parts, app at the chain's rate | chain ÷ those |\n");
        s.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Hop h : result.hops()) {
            s.append(String.format(Locale.ROOT, "| %s | %s | %+.2f | %+.2f | %.2f | %.0f | %.0f | %.2f | %s | %s |%n",
                    h.what(), h.hops(), h.p50OverheadMs(), h.p99OverheadMs(), h.throughputRatio(), h.cpuStackMicros(),
                    h.cpuPartsMicros(), h.cpuChainOverParts(),
                    h.paced() == null ? "-" : String.format(Locale.ROOT, "%.0f", h.cpuPacedPartsMicros()),
                    h.paced() == null ? "-" : String.format(Locale.ROOT, "%.2f", h.cpuChainOverPacedParts())));
        }
        s.append(String.format(Locale.ROOT, "%nidle over %.0f s: %s; memory: %.0f MB RSS in %d "
                        + "processes (%s)", result.idle().seconds(), describeIdle(result.idle()), result.memory().totalRssMb(),
                result.memory().processes(), ProcessUsage.describe(result.memory().byKindRssMb(), "MB")));
        return s.toString().stripTrailing();
    }

    /** "25.9 % of one core (…), of which monitoring's own processes 3.9 %". */
    static String describeIdle(Idle idle) {
        return String.format(Locale.ROOT, "%.1f %% of one core (%s)%s", idle.totalPercentOfCore(),
                ProcessUsage.describe(idle.byKindPercentOfCore(), "%", 1), idle.monitoringPercentOfCore() > 0
                        ? String.format(Locale.ROOT, ", of which monitoring's own processes %.1f %%",
                        idle.monitoringPercentOfCore()) : "");
    }

    static double ratio(double a, double b) {
        return b == 0 ? 0 : round(a / b);
    }

    static double round(double v) {
        return Math.round(v * 100.0) / 100.0;
    }
}
