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
        description = {"Benchmarks the running stack (a measurement, not a test): the same closed-loop load against "
                + "nginx serving a static file through the stack (the baseline) and directly, then app endpoints "
                + "directly at app1 and through the VIP. Prints req/s, p50 and p99 of each, as ratios to the baseline, "
                + "and the overhead of the hops in front of each endpoint."})
final class BenchCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Option(names = "--seconds", paramLabel = "T", description = "Measured seconds per target (default ${DEFAULT-VALUE}).")
    int seconds = 5;

    @Option(names = "--warmup", paramLabel = "W", description = "Unmeasured seconds before each target (default ${DEFAULT-VALUE}).")
    int warmup = 1;

    @Option(names = "--clients", paramLabel = "C", description = "Concurrent clients (default ${DEFAULT-VALUE}).")
    int clients = 8;

    @Option(names = "--users", paramLabel = "K", description = "Users for the authenticated endpoints (default ${DEFAULT-VALUE}).")
    int users = 20;

    @Option(names = "--json", description = "Print the result as JSON on stdout (progress goes to stderr).")
    boolean json;

    @Override
    public Integer call() {
        if (seconds < 1 || seconds > 120 || warmup < 0 || warmup > 60 || clients < 1 || clients > 64 || users < 2
                || users > 1000) {
            System.err.println("scaleup: --seconds 1..120, --warmup 0..60, --clients 1..64, --users 2..1000");
            return Errors.USAGE;
        }
        CommonOptions.requireRoot();
        Deployment deployment = common.deployment();
        PrintStream out = json ? System.err : System.out;
        Progress progress = new Progress(out);
        Bench.Result result;
        try {
            result = new Bench(deployment, new Bench.Options(seconds, warmup, clients, users), progress).run();
        } catch (LoadException e) {
            throw new OperatorException(e.getMessage());
        }
        if (json) {
            System.out.println(result.toJson());
        } else {
            out.println();
            out.println("machine: " + result.machine().cores() + " cores (" + result.machine().cpu() + "), "
                    + result.machine().memoryMb() + " MB, load average " + result.machine().loadAverage()
                    + " at the start; " + result.clients() + " clients, " + result.secondsPerTarget()
                    + " s per target; baseline " + result.baseline());
            out.println(Bench.table(result));
        }
        return 0;
    }
}
