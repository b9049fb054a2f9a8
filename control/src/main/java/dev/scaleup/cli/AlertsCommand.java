package dev.scaleup.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.scaleup.ops.Backups;
import dev.scaleup.ops.MonitoringApi;
import dev.scaleup.ops.RefusedException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "alerts", mixinStandardHelpOptions = true,
        description = {"The alerts firing now, from Alertmanager on the monitoring host (monitoring.enabled): each"
                + " one's name, host, severity, since when, and what it means; then how many of Prometheus's scrape"
                + " targets are up. The rules and their runbook lines are in docs/OBSERVABILITY.md. Exits 3 while an"
                + " alert fires."})
final class AlertsCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Option(names = "--json", description = "Print the alerts and the targets as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        CommonOptions.requireRoot();
        var deployment = common.deployment();
        MonitoringApi api = MonitoringApi.of(deployment.topology()).orElseThrow(() -> new RefusedException(
                "alerts: deployment " + deployment.topology().name() + " has no monitoring host (monitoring.enabled:"
                        + " true in its topology)"));
        List<MonitoringApi.Alert> firing = api.firing();
        MonitoringApi.Targets targets = api.targets();
        System.out.println(json ? toJson(firing, targets, api) : toTable(firing, targets, api));
        return firing.isEmpty() ? 0 : StatusCommand.UNHEALTHY;
    }

    static String toTable(List<MonitoringApi.Alert> firing, MonitoringApi.Targets targets, MonitoringApi api) {
        StringBuilder out = new StringBuilder();
        if (firing.isEmpty()) {
            out.append("no alert firing\n");
        } else {
            out.append(String.format("%-22s %-8s %-8s %-8s  %s%n", "ALERT", "HOST", "SEVERITY", "FOR", "SUMMARY"));
            for (MonitoringApi.Alert a : firing) {
                out.append(String.format("%-22s %-8s %-8s %-8s  %s%n", a.name(), a.host().isEmpty() ? "-" : a.host(),
                        a.severity(), Backups.age(Math.max(0, Duration.between(a.startsAt(), Instant.now()).toSeconds())),
                        a.summary()));
            }
        }
        out.append("Prometheus: ").append(targets.up()).append('/').append(targets.total()).append(" targets up");
        if (!targets.down().isEmpty()) {
            out.append(" (down: ").append(String.join(", ", targets.down())).append(')');
        }
        out.append("; ").append(api.prometheusUrl()).append(", Alertmanager ").append(api.alertmanagerUrl());
        return out.toString();
    }

    static String toJson(List<MonitoringApi.Alert> firing, MonitoringApi.Targets targets, MonitoringApi api)
            throws Exception {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("alerts", firing.stream().map(MonitoringApi.Alert::toMap).toList());
        root.put("targets_up", targets.up());
        root.put("targets", targets.total());
        root.put("targets_down", targets.down());
        root.put("prometheus", api.prometheusUrl());
        root.put("alertmanager", api.alertmanagerUrl());
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
    }
}
