package dev.scaleup.bench;

import dev.scaleup.loadgen.Json;
import dev.scaleup.loadgen.LoadConfig;
import dev.scaleup.loadgen.LoadGenerator;
import dev.scaleup.loadgen.LoadResult;
import dev.scaleup.loadgen.Mix;
import dev.scaleup.loadgen.Op;
import dev.scaleup.loadgen.Report;
import dev.scaleup.loadgen.User;
import dev.scaleup.loadgen.UserSetup;
import dev.scaleup.ops.Deployment;
import dev.scaleup.ops.OperatorException;
import dev.scaleup.ops.Progress;
import dev.scaleup.ops.Status;
import dev.scaleup.ops.VipAccess;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;

/**
 * A benchmark, not a test: the same closed-loop load (C clients, T seconds, same settings) against each target in
 * one run, so the numbers compare. The baseline is nginx serving a static file through the whole stack
 * (VIP → HAProxy → nginx); every other target is reported as a ratio to it, and each endpoint measured both directly
 * and through the stack gives the overhead of the hops in front of it.
 */
public final class Bench {

    /** @param seconds per target; @param warmupSeconds unmeasured load before each target */
    public record Options(int seconds, int warmupSeconds, int clients, int users) {
        public static Options defaults() {
            return new Options(5, 1, LoadConfig.DEFAULT_CLIENTS, LoadConfig.DEFAULT_USERS);
        }
    }

    /** One thing measured: an operation against a base URL, via the stack (VIP) or directly at one host. */
    public record Target(String name, String what, String via, URI base, Op op) {
        public String url() {
            return base + op.path();
        }
    }

    /**
     * The numbers of one target. Ratios are to the baseline (the static file through the stack) of the same run:
     * {@code rpsRatio} < 1 means fewer requests per second, {@code p50Ratio} > 1 slower.
     */
    public record TargetResult(String name, String what, String via, String url, long requests, long errors,
                               double requestsPerSecond, double p50Ms, double p99Ms, double maxMs, double rpsRatio,
                               double p50Ratio, double p99Ratio, Report load) {
    }

    /** What the hops in front of an endpoint cost: through the stack minus directly. */
    public record Hop(String what, String hops, String stack, String direct, double p50OverheadMs,
                      double p99OverheadMs, double throughputRatio) {
    }

    public record Result(String deployment, String startedAt, int clients, int secondsPerTarget, int warmupSeconds,
                         int users, Machine machine, String baseline, List<TargetResult> targets, List<Hop> hops) {
        public String toJson() {
            return Json.write(this);
        }
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
        URI appUrl = URI.create("http://" + app.address() + ":" + topology.app().port());
        String stack = "stack";
        String direct = "direct " + web.name();
        String directApp = "direct " + app.name();
        return List.of(
                new Target("static-stack", "nginx static file", stack, vip, Op.STATIC),
                new Target("static-web", "nginx static file", direct, webUrl, Op.STATIC),
                new Target("healthz-app", "app GET /healthz", directApp, appUrl, Op.HEALTHZ),
                new Target("me-app", "GET /api/accounts/me", directApp, appUrl, Op.ACCOUNT_ME),
                new Target("me-stack", "GET /api/accounts/me", stack, vip, Op.ACCOUNT_ME),
                new Target("posts-app", "GET /api/posts", directApp, appUrl, Op.POSTS),
                new Target("posts-stack", "GET /api/posts", stack, vip, Op.POSTS),
                new Target("transfer-app", "POST /api/transfers", directApp, appUrl, Op.TRANSFER),
                new Target("transfer-stack", "POST /api/transfers", stack, vip, Op.TRANSFER));
    }

    public Result run() {
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
        String runId = "bn" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
        SSLContext tls = VipAccess.of(deployment).tls();
        List<User> users = UserSetup.create(targets.get(0).base(), options.users(), runId, Math.min(8, options.clients()),
                tls);
        progress.step(String.format(Locale.ROOT, "bench: %d targets, %d clients, %d s each after %d s of warm-up; "
                        + "made %d users", targets.size(), options.clients(), options.seconds(), options.warmupSeconds(),
                users.size()));
        List<Report> reports = new ArrayList<>();
        int n = 0;
        for (Target target : targets) {
            LoadConfig config = LoadConfig.defaults(target.base()).withMix(Mix.only(target.op()))
                    .withClients(options.clients()).withKeyPrefix(runId + "-" + n++).withTls(tls);
            if (options.warmupSeconds() > 0) {
                new LoadGenerator(config.withDuration(Duration.ofSeconds(options.warmupSeconds()))
                        .withKeyPrefix(config.keyPrefix() + "w"), users).run();
            }
            LoadResult result = new LoadGenerator(config.withDuration(Duration.ofSeconds(options.seconds())), users).run();
            Report r = result.report();
            reports.add(r);
            progress.step(String.format(Locale.ROOT, "bench: %-15s %-22s %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms%s",
                    target.name(), target.url(), r.successesPerSecond(), r.latencyMs().p50(), r.latencyMs().p99(),
                    r.errorCount() == 0 ? "" : "  errors " + r.errors()));
        }
        return assemble(topology.name(), startedAt.toString(), options, users.size(), machine, targets,
                reports);
    }

    /** Ratios and hops from the measured reports (same order as the targets). Pure. */
    static Result assemble(String deployment, String startedAt, Options options, int users, Machine machine,
                           List<Target> targets, List<Report> reports) {
        Report base = reports.get(0);
        List<TargetResult> results = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            Target t = targets.get(i);
            Report r = reports.get(i);
            results.add(new TargetResult(t.name(), t.what(), t.via(), t.url(), r.requests(), r.errorCount(),
                    r.successesPerSecond(), r.latencyMs().p50(), r.latencyMs().p99(), r.latencyMs().max(),
                    ratio(r.successesPerSecond(), base.successesPerSecond()),
                    ratio(r.latencyMs().p50(), base.latencyMs().p50()), ratio(r.latencyMs().p99(), base.latencyMs().p99()),
                    r));
        }
        List<Hop> hops = new ArrayList<>();
        for (TargetResult stack : results) {
            if (!stack.via().equals("stack")) {
                continue;
            }
            results.stream().filter(d -> !d.via().equals("stack") && d.what().equals(stack.what())).findFirst()
                    .ifPresent(direct -> hops.add(new Hop(stack.what(),
                            direct.via().contains("web") ? "VIP (TLS) → haproxy" : "VIP (TLS) → haproxy → nginx",
                            stack.name(), direct.name(), round(stack.p50Ms() - direct.p50Ms()),
                            round(stack.p99Ms() - direct.p99Ms()), ratio(stack.requestsPerSecond(), direct.requestsPerSecond()))));
        }
        return new Result(deployment, startedAt, options.clients(), options.seconds(), options.warmupSeconds(), users,
                machine, targets.get(0).name(), results, hops);
    }

    /** The table for people (also the one in docs/BENCHMARKS.md). */
    public static String table(Result result) {
        StringBuilder s = new StringBuilder();
        s.append("| target | what | via | req/s | p50 ms | p99 ms | errors | req/s ÷ baseline | p50 ÷ baseline | p99 ÷ baseline |\n");
        s.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (TargetResult t : result.targets()) {
            s.append(String.format(Locale.ROOT, "| %s | %s | %s | %.0f | %.2f | %.2f | %d | %.2f | %.2f | %.2f |%n",
                    t.name(), t.what(), t.via(), t.requestsPerSecond(), t.p50Ms(), t.p99Ms(), t.errors(), t.rpsRatio(),
                    t.p50Ratio(), t.p99Ratio()));
        }
        s.append("\n| endpoint | hops in front | p50 overhead ms | p99 overhead ms | req/s stack ÷ direct |\n");
        s.append("|---|---|---:|---:|---:|\n");
        for (Hop h : result.hops()) {
            s.append(String.format(Locale.ROOT, "| %s | %s | %+.2f | %+.2f | %.2f |%n", h.what(), h.hops(),
                    h.p50OverheadMs(), h.p99OverheadMs(), h.throughputRatio()));
        }
        return s.toString().stripTrailing();
    }

    static double ratio(double a, double b) {
        return b == 0 ? 0 : round(a / b);
    }

    static double round(double v) {
        return Math.round(v * 100.0) / 100.0;
    }
}
