package dev.scaleup.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Monitoring;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The monitoring host's {@code prometheus.yml} (every tier's exporters, one job each, every target labelled with its
 * {@code host} and {@code tier}), {@code alertmanager.yml} and the command lines of both. Checked with Debian's
 * {@code promtool check config} (which also checks the rules of {@link AlertRules}) and {@code amtool check-config}.
 */
public final class PrometheusConfig {

    public static final String FILE = "prometheus.yml";
    public static final String ALERTMANAGER_FILE = "alertmanager.yml";
    public static final String PROMETHEUS_PROCESS = "prometheus";
    public static final String ALERTMANAGER_PROCESS = "alertmanager";
    /** Prometheus keeps this much history (the dashboard shows minutes; a drill's alerts are checked within one). */
    static final String RETENTION = "2d";

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));

    private PrometheusConfig() {}

    /** One scrape job: its name, the metrics path and the targets (host, port). */
    record Job(String name, String path, List<Host> hosts, int port) {}

    /** Every job, in the order of the tiers from the clients inwards. */
    static List<Job> jobs(Topology t) {
        List<Job> jobs = new ArrayList<>();
        List<Host> lbs = t.hosts(Role.LB);
        jobs.add(new Job("haproxy", "/metrics", lbs, Exporters.HAPROXY_PORT));
        jobs.add(new Job("keepalived", "/metrics", lbs, Exporters.NODE_PORT));
        jobs.add(new Job("nginx", "/metrics", t.hosts(Role.WEB), Exporters.NGINX_PORT));
        jobs.add(new Job("app", "/metrics", t.hosts(Role.APP), t.app().port()));
        jobs.add(new Job("postgres", "/metrics", t.hosts(Role.DB), Exporters.POSTGRES_PORT));
        jobs.add(new Job("patroni", "/metrics", t.hosts(Role.DB), PatroniConfig.REST_PORT));
        jobs.add(new Job("etcd", "/metrics", Etcd.members(t), Etcd.CLIENT_PORT));
        List<Host> mon = t.hosts(Role.MON);
        // node-exporter: the backup and monitoring hosts' on netns; every server's but the load balancers' on servers
        // (theirs is scraped once, by the keepalived job, and carries their machine's figures too)
        List<Role> nodeRoles = t.onServers() ? List.of(Role.WEB, Role.APP, Role.DB, Role.BACKUP, Role.MON)
                : List.of(Role.BACKUP, Role.MON);
        List<Host> node = nodeRoles.stream().flatMap(role -> t.hosts(role).stream()).toList();
        jobs.add(new Job("node", "/metrics", node, Exporters.NODE_PORT));
        jobs.add(new Job("prometheus", "/metrics", mon, Monitoring.PROMETHEUS_PORT));
        jobs.add(new Job("alertmanager", "/metrics", mon, Monitoring.ALERTMANAGER_PORT));
        return List.copyOf(jobs);
    }

    public static List<RenderedFile> render(Topology t, Host host, HostPaths paths) {
        Text.requireRole(host, Role.MON, FILE);
        return List.of(new RenderedFile(FILE, Text.banner(t, host) + prometheus(t, host, paths), RenderedFile.PUBLIC),
                new RenderedFile(ALERTMANAGER_FILE, Text.banner(t, host) + alertmanager(), RenderedFile.PUBLIC),
                AlertRules.render(t, host));
    }

    private static String prometheus(Topology t, Host host, HostPaths paths) {
        String interval = t.monitoring().scrapeIntervalSeconds() + "s";
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> global = new LinkedHashMap<>();
        global.put("scrape_interval", interval);
        // a target that does not answer within the interval counts as down at once (a host cut off, not refused)
        global.put("scrape_timeout", interval);
        global.put("evaluation_interval", interval);
        global.put("external_labels", Map.of("deployment", t.name()));
        root.put("global", global);
        root.put("rule_files", List.of(paths.conf(AlertRules.FILE).toString()));
        root.put("alerting", Map.of("alertmanagers", List.of(Map.of("static_configs",
                List.of(Map.of("targets", List.of(host.address() + ":" + Monitoring.ALERTMANAGER_PORT)))))));
        List<Object> scrapes = new ArrayList<>();
        for (Job job : jobs(t)) {
            List<Object> targets = new ArrayList<>();
            for (Host target : job.hosts()) {
                Map<String, Object> labels = new LinkedHashMap<>();
                labels.put("host", target.name());
                labels.put("tier", target.role().prefix());
                // ordered maps only: Map.of's order changes from one JVM to the next, and a file that differs is a
                // reload (which drops the notifications Prometheus has not sent yet)
                Map<String, Object> group = new LinkedHashMap<>();
                group.put("targets", List.of(target.address() + ":" + job.port()));
                group.put("labels", labels);
                targets.add(group);
            }
            Map<String, Object> scrape = new LinkedHashMap<>();
            scrape.put("job_name", job.name());
            scrape.put("metrics_path", job.path());
            scrape.put("static_configs", targets);
            scrapes.add(scrape);
        }
        root.put("scrape_configs", scrapes);
        return yaml(root);
    }

    /**
     * Every alert goes to one receiver that sends nothing: the drills and the dashboard read the alerts from
     * Alertmanager's API. A pager is one receiver more (docs/OBSERVABILITY.md).
     */
    private static String alertmanager() {
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> route = new LinkedHashMap<>();
        route.put("receiver", "log");
        route.put("group_by", List.of("alertname", "host"));
        route.put("group_wait", "5s");
        route.put("group_interval", "1m");
        route.put("repeat_interval", "4h");
        root.put("route", route);
        root.put("receivers", List.of(Map.of("name", "log")));
        return yaml(root);
    }

    public static List<String> prometheusCommand(Host host, HostPaths paths) {
        return List.of("/usr/bin/prometheus", "--config.file=" + paths.conf(FILE),
                "--storage.tsdb.path=" + paths.data().resolve("prometheus"),
                "--storage.tsdb.retention.time=" + RETENTION,
                "--web.listen-address=" + host.address() + ":" + Monitoring.PROMETHEUS_PORT,
                "--web.enable-lifecycle", "--log.level=warn");
    }

    /** One Alertmanager: no cluster (its gossip port stays closed). */
    public static List<String> alertmanagerCommand(Host host, HostPaths paths) {
        return List.of("/usr/bin/prometheus-alertmanager", "--config.file=" + paths.conf(ALERTMANAGER_FILE),
                "--storage.path=" + paths.data().resolve("alertmanager"),
                "--web.listen-address=" + host.address() + ":" + Monitoring.ALERTMANAGER_PORT,
                "--cluster.listen-address=", "--log.level=warn");
    }

    static String yaml(Object root) {
        try {
            return PrometheusConfig.YAML.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
