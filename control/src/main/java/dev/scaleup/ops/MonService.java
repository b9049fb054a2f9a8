package dev.scaleup.ops;

import static java.util.Objects.requireNonNull;

import dev.scaleup.render.Exporters;
import dev.scaleup.render.HostPaths;
import dev.scaleup.render.PrometheusConfig;
import dev.scaleup.runtime.ProcessSpec;
import dev.scaleup.runtime.Readiness;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Monitoring;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The monitoring host: Prometheus (scrapes every exporter, evaluates the alert rules), Alertmanager (holds the
 * alerts) and node-exporter (the file systems), all as Debian's {@code prometheus} user. Healthy while Prometheus
 * and Alertmanager answer their readiness checks; the alerts they hold are the other hosts' news, not this host's
 * health, so status prints them on their own line.
 */
public final class MonService implements HostService {

    private final Deployment deployment;

    public MonService(Deployment deployment) {
        this.deployment = requireNonNull(deployment, "deployment is null");
    }

    @Override
    public List<ProcessSpec> processes(Host host) {
        HostPaths paths = deployment.paths(host);
        List<ProcessSpec> specs = new ArrayList<>(List.of(
                ProcessSpec.of(PrometheusConfig.PROMETHEUS_PROCESS, PrometheusConfig.prometheusCommand(host, paths))
                        .asUser(Exporters.USER),
                ProcessSpec.of(PrometheusConfig.ALERTMANAGER_PROCESS,
                        PrometheusConfig.alertmanagerCommand(host, paths)).asUser(Exporters.USER)));
        specs.addAll(Monitors.exporters(deployment, host));
        return List.copyOf(specs);
    }

    @Override
    public String prepare(Host host) {
        HostPaths paths = deployment.paths(host);
        try {
            for (Path dir : List.of(paths.conf(), paths.logs(), paths.run(), paths.data().resolve("prometheus"),
                    paths.data().resolve("alertmanager"))) {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + host.name(), e);
        }
        deployment.target().ownTrees(host, List.of(paths.data()), Exporters.USER);
        deployment.target().own(host, paths.root(), "root", Exporters.USER, 0750);
        return null;
    }

    @Override
    public void awaitReady(Host host, ProcessSpec spec) {
        int port = switch (spec.name()) {
            case PrometheusConfig.PROMETHEUS_PROCESS -> Monitoring.PROMETHEUS_PORT;
            case PrometheusConfig.ALERTMANAGER_PROCESS -> Monitoring.ALERTMANAGER_PORT;
            default -> -1;
        };
        if (port < 0) {
            Monitors.awaitListening(deployment, host, spec);
            return;
        }
        String url = "http://" + host.address() + ":" + port + "/-/ready";
        Readiness.await(host.name() + " " + spec.name() + " GET " + url + " = 200", Duration.ofSeconds(30),
                () -> Readiness.httpStatus(url, Duration.ofSeconds(2)) == 200, () -> deployment.isRunning(host, spec));
    }

    /** Prometheus and Alertmanager re-read their configs (and the alert rules) on HUP. */
    @Override
    public String reload(Host host, List<String> changedFiles) {
        List<String> done = new ArrayList<>();
        for (ProcessSpec spec : processes(host)) {
            boolean prometheus = spec.name().equals(PrometheusConfig.PROMETHEUS_PROCESS)
                    && (changedFiles.contains(PrometheusConfig.FILE)
                    || changedFiles.contains(dev.scaleup.render.AlertRules.FILE));
            boolean alertmanager = spec.name().equals(PrometheusConfig.ALERTMANAGER_PROCESS)
                    && changedFiles.contains(PrometheusConfig.ALERTMANAGER_FILE);
            if ((prometheus || alertmanager) && deployment.isRunning(host, spec)) {
                Signals.send(deployment, host, spec, "HUP");
                done.add(spec.name());
            }
        }
        return host.name() + ": " + (done.isEmpty() ? "nothing to reload" : "reloaded " + String.join(" and ", done));
    }

    @Override
    public HostHealth health(Host host) {
        Map<String, Object> facts = new LinkedHashMap<>();
        String prometheus = "http://" + host.address() + ":" + Monitoring.PROMETHEUS_PORT + "/-/ready";
        String alertmanager = "http://" + host.address() + ":" + Monitoring.ALERTMANAGER_PORT + "/-/ready";
        boolean promReady = Readiness.httpStatus(prometheus, Duration.ofSeconds(2)) == 200;
        boolean amReady = Readiness.httpStatus(alertmanager, Duration.ofSeconds(2)) == 200;
        facts.put("prometheus_ready", promReady);
        facts.put("alertmanager_ready", amReady);
        if (!promReady || !amReady) {
            return new HostHealth(false, (promReady ? "" : "Prometheus not ready ") + (amReady ? ""
                    : "Alertmanager not ready"), facts);
        }
        MonitoringApi api = MonitoringApi.of(deployment.topology()).orElseThrow();
        StringBuilder details = new StringBuilder();
        try {
            MonitoringApi.Targets targets = api.targets();
            facts.put("targets_up", targets.up());
            facts.put("targets", targets.total());
            details.append(targets.up()).append('/').append(targets.total()).append(" targets up");
            if (!targets.down().isEmpty()) {
                details.append(" (down: ").append(String.join(", ", targets.down())).append(')');
            }
            List<MonitoringApi.Alert> firing = api.firing();
            facts.put("alerts_firing", firing.stream().map(MonitoringApi.Alert::label).toList());
            details.append("; ").append(firing.isEmpty() ? "no alert firing" : firing.size() + " firing: "
                    + String.join(", ", firing.stream().map(MonitoringApi.Alert::label).toList()));
        } catch (OperatorException e) {
            details.append("API: ").append(e.getMessage());
        }
        return new HostHealth(true, details.toString(), facts);
    }
}
