package dev.scaleup.cli;

import dev.scaleup.dashboard.DashboardServer;
import dev.scaleup.ops.MonitoringApi;
import dev.scaleup.ops.RefusedException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "dashboard", mixinStandardHelpOptions = true,
        description = {"Serves a live picture of the deployment on http://127.0.0.1:8800/ until Ctrl-C: the tiers left"
                + " to right with every host as a box (up or down, the VIP holder, primary and replicas with their"
                + " lag), requests per second, p50/p99 and errors per tier, the firing alerts, the last operations"
                + " and drills, and charts of the last five minutes. Everything comes from the monitoring host"
                + " (monitoring.enabled); the page asks for it every second."})
final class DashboardCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Option(names = "--port", defaultValue = "8800", description = "The port to listen on (default 8800; 0: any free one).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1",
            description = "The address to listen on (default 127.0.0.1: the page has no login; put it behind one before"
                    + " binding another address).")
    String bind;

    @Option(names = "--for", paramLabel = "SECONDS", defaultValue = "0",
            description = "Stop after this many seconds (default 0: until Ctrl-C).")
    int seconds;

    @Override
    public Integer call() throws Exception {
        CommonOptions.requireRoot();
        var deployment = common.deployment();
        MonitoringApi api = MonitoringApi.of(deployment.topology()).orElseThrow(() -> new RefusedException(
                "dashboard: deployment " + deployment.topology().name() + " has no monitoring host (monitoring.enabled:"
                        + " true in its topology)"));
        CountDownLatch stop = new CountDownLatch(1);
        try (DashboardServer server = new DashboardServer(deployment, api, bind, port)) {
            server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            System.err.println("dashboard: http://" + bind + ":" + server.port() + "/ (deployment "
                    + deployment.topology().name() + ", from " + api.prometheusUrl() + "); Ctrl-C stops it");
            System.err.flush();
            if (seconds > 0) {
                stop.await(seconds, TimeUnit.SECONDS);
            } else {
                stop.await();
            }
        }
        return 0;
    }
}
