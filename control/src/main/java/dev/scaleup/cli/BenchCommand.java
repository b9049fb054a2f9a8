package dev.scaleup.cli;

import dev.scaleup.bench.Bench;
import dev.scaleup.loadgen.LoadException;
import dev.scaleup.ops.Deployment;
import dev.scaleup.ops.OperatorException;
import dev.scaleup.ops.Progress;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmarks the running stack (a measurement, not a test) with wrk: the same closed-loop load "
                + "against nginx serving a static file through the stack (the baseline) and directly, then app "
                + "endpoints directly at app1 and through the VIP (the reads also directly at the rate they reached "
                + "through the VIP). Prints req/s, p50, p99 and errors of each, the CPU "
                + "the stack spent per request by kind of process (from /proc), what the hops "
                + "in front of each endpoint cost (the chain's CPU ÷ the sum of its parts), the stack's idle CPU and "
                + "its memory."})
final class BenchCommand implements Callable<Integer> {

    private static final Bench.Options DEFAULTS = Bench.Options.defaults();

    @Mixin
    CommonOptions common;

    @Option(names = "--seconds", paramLabel = "T", description = "Measured seconds per target (default ${DEFAULT-VALUE}).")
    int seconds = DEFAULTS.seconds();

    @Option(names = "--warmup", paramLabel = "W", description = "Unmeasured seconds before each target (default ${DEFAULT-VALUE}).")
    int warmup = DEFAULTS.warmupSeconds();

    @Option(names = {"--connections", "--clients"}, paramLabel = "C",
            description = "Open connections, each a closed loop (default ${DEFAULT-VALUE}); the paced targets space "
                    + "their requests instead.")
    int connections = DEFAULTS.connections();

    @Option(names = "--threads", paramLabel = "N", description = "wrk's threads (default ${DEFAULT-VALUE}).")
    int threads = DEFAULTS.threads();

    @Option(names = "--users", paramLabel = "K", description = "Users for the authenticated endpoints (default ${DEFAULT-VALUE}).")
    int users = DEFAULTS.users();

    @Option(names = "--idle", paramLabel = "S", description = "Seconds over which the idle stack's CPU is measured "
            + "first (default ${DEFAULT-VALUE}).")
    int idle = DEFAULTS.idleSeconds();

    @Option(names = "--json", description = "Print the result as JSON on stdout (progress goes to stderr).")
    boolean json;

    @Override
    public Integer call() {
        if (seconds < 1 || seconds > 120 || warmup < 0 || warmup > 60 || connections < 1 || connections > 1000
                || threads < 1 || threads > 16 || threads > connections || users < 2 || users > 1000 || idle < 1
                || idle > 60) {
            System.err.println("scaleup: --seconds 1..120, --warmup 0..60, --connections 1..1000, --threads 1..16 and "
                    + "at most --connections, --users 2..1000, --idle 1..60");
            return Errors.USAGE;
        }
        CommonOptions.requireRoot();
        Deployment deployment = common.deployment();
        PrintStream out = json ? System.err : System.out;
        Progress progress = new Progress(out);
        Bench.Result result;
        try {
            result = new Bench(deployment, new Bench.Options(seconds, warmup, threads, connections, users, idle),
                    progress).run();
        } catch (LoadException e) {
            throw new OperatorException(e.getMessage());
        }
        if (json) {
            System.out.println(result.toJson());
        } else {
            out.println();
            out.println("machine: " + result.machine().cores() + " cores (" + result.machine().cpu() + "), "
                    + result.machine().memoryMb() + " MB, load average " + result.machine().loadAverage()
                    + " at the start; wrk " + result.threads() + " threads, " + result.connections()
                    + " connections, " + result.secondsPerTarget() + " s per target; baseline " + result.baseline());
            out.println(Bench.table(result));
        }
        return 0;
    }
}
