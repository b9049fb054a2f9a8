package dev.scaleup.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scaleup.ops.MonitoringApi;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * What the dashboard shows, read from the monitoring host: every host as a box (up or not, the VIP holder, the db
 * role and lag), the traffic and latency of each tier, the firing alerts, and the last operations and drills from the
 * state directory. One snapshot is one set of PromQL instant queries (a few ms each); the page asks for one every
 * second or two.
 */
public final class DashboardData {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The tiers from the clients inwards, as the page draws them left to right. */
    static final List<Role> TIERS = List.of(Role.LB, Role.WEB, Role.APP, Role.DB);

    /** Rates over this window: five scrapes at the default interval. */
    static final String WINDOW = "[10s]";

    /** Per tier: requests per second, 5xx per second, p50 and p99 in seconds (NaN where the tier has none). */
    static final Map<Role, String[]> TIER_QUERIES = Map.of(
            Role.LB, new String[] {
                "sum(rate(haproxy_frontend_http_requests_total{proxy=\"fe_http\"}" + WINDOW + "))",
                "sum(rate(haproxy_frontend_http_responses_total{proxy=\"fe_http\",code=\"5xx\"}" + WINDOW + "))",
                "", ""},
            Role.WEB, new String[] {"sum(rate(nginx_http_requests_total" + WINDOW + "))", "", "", ""},
            Role.APP, new String[] {
                "sum(rate(http_server_requests_seconds_count{route!~\"/metrics|/healthz|/readyz\"}" + WINDOW + "))",
                "sum(rate(http_server_requests_seconds_count{route!~\"/metrics|/healthz|/readyz\",status=~\"5..\"}" + WINDOW + "))",
                "histogram_quantile(0.5, sum by (le) (rate(http_server_requests_seconds_bucket{route!~\"/metrics|/healthz|/readyz\"}"
                        + WINDOW + ")))",
                "histogram_quantile(0.99, sum by (le) (rate(http_server_requests_seconds_bucket{route!~\"/metrics|/healthz|/readyz\"}"
                        + WINDOW + ")))"},
            Role.DB, new String[] {
                "sum(rate(pg_stat_database_xact_commit" + WINDOW + ")) + sum(rate(pg_stat_database_xact_rollback"
                        + WINDOW + "))", "", "", ""});

    /** The charts: requests per second through the VIP, 5xx per second, the app tier's p99 in ms. */
    static final Map<String, String> SERIES = orderedOf(
            "requests per second (VIP)", TIER_QUERIES.get(Role.LB)[0],
            "5xx per second (VIP)", TIER_QUERIES.get(Role.LB)[1],
            "app p99 latency (ms)", "1000 * " + TIER_QUERIES.get(Role.APP)[3]);

    private DashboardData() {}

    /** One snapshot; {@code query} answers a PromQL instant query with Prometheus's result vector. */
    public static Map<String, Object> snapshot(Topology t, Function<String, JsonNode> query,
                                               List<MonitoringApi.Alert> alerts, Path state) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("deployment", t.name());
        root.put("time", Instant.now().toString());
        root.put("vip", t.network().vip().toString());
        Map<String, Double> up = new HashMap<>();
        // a host is up when its tier's server answers: HAProxy's exporter, nginx, the app, PostgreSQL and Patroni
        byHost(query.apply("up{job=\"haproxy\"}")).forEach(up::put);
        byHost(query.apply("nginx_up")).forEach(up::put);
        byHost(query.apply("up{job=\"app\"}")).forEach(up::put);
        byHost(query.apply("min by (host) (pg_up or up{job=\"patroni\"})")).forEach(up::put);
        byHost(query.apply("up{job=\"prometheus\"}")).forEach(up::put);
        Map<String, Double> master = byHost(query.apply("scaleup_vrrp_master"));
        Map<String, Double> primary = byHost(query.apply("patroni_primary"));
        Map<String, Double> sync = byHost(query.apply("patroni_sync_standby"));
        // the primary's position and the replicas' are scraped at different moments: a replica may look ahead
        Map<String, Double> lag = byHost(query.apply("clamp_min(scalar(max(patroni_xlog_location)) - "
                + "(patroni_xlog_replayed_location and on(host) patroni_replica == 1), 0)"));
        Map<String, Double> hostRps = new HashMap<>();
        byHost(query.apply("sum by (host) (rate(haproxy_frontend_http_requests_total{proxy=\"fe_http\"}" + WINDOW
                + "))")).forEach(hostRps::put);
        byHost(query.apply("sum by (host) (rate(nginx_http_requests_total" + WINDOW + "))")).forEach(hostRps::put);
        byHost(query.apply("sum by (host) (rate(http_server_requests_seconds_count{route!~\"/metrics|/healthz|/readyz\"}" + WINDOW
                + "))")).forEach(hostRps::put);
        byHost(query.apply("sum by (host) (rate(pg_stat_database_xact_commit" + WINDOW + "))")).forEach(hostRps::put);

        List<Object> tiers = new ArrayList<>();
        for (Role role : TIERS) {
            Map<String, Object> tier = new LinkedHashMap<>();
            tier.put("tier", role.prefix());
            String[] q = TIER_QUERIES.get(role);
            tier.put("rps", scalar(query, q[0]));
            tier.put("errors_per_s", scalar(query, q[1]));
            Double p50 = scalar(query, q[2]);
            Double p99 = scalar(query, q[3]);
            tier.put("p50_ms", p50 == null ? null : p50 * 1000);
            tier.put("p99_ms", p99 == null ? null : p99 * 1000);
            List<Object> hosts = new ArrayList<>();
            for (Host h : t.hosts(role)) {
                hosts.add(host(h, up, master, primary, sync, lag, hostRps));
            }
            tier.put("hosts", hosts);
            tiers.add(tier);
        }
        root.put("tiers", tiers);
        List<Object> support = new ArrayList<>();
        for (Role role : List.of(Role.BACKUP, Role.MON)) {
            for (Host h : t.hosts(role)) {
                Map<String, Object> box = new LinkedHashMap<>();
                box.put("name", h.name());
                box.put("address", h.address().toString());
                box.put("role", role.prefix());
                support.add(box);
            }
        }
        root.put("support", support);
        root.put("alerts", alerts.stream().map(MonitoringApi.Alert::toMap).toList());
        root.put("history", lastLines(state.resolve("history.log"), 8));
        root.put("drills", lastDrills(state.resolve("drills"), 6));
        return root;
    }

    private static Map<String, Object> host(Host h, Map<String, Double> up, Map<String, Double> master,
                                            Map<String, Double> primary, Map<String, Double> sync,
                                            Map<String, Double> lag, Map<String, Double> rps) {
        Map<String, Object> box = new LinkedHashMap<>();
        box.put("name", h.name());
        box.put("address", h.address().toString());
        Double u = up.get(h.name());
        box.put("up", u != null && u == 1.0);
        box.put("rps", rps.get(h.name()));
        if (h.role() == Role.LB) {
            box.put("vip", Double.valueOf(1.0).equals(master.get(h.name())) && u != null && u == 1.0);
        }
        if (h.role() == Role.DB) {
            Double p = primary.get(h.name());
            box.put("db_role", p == null ? "unknown" : p == 1.0 ? "primary" : "replica");
            box.put("sync_standby", Double.valueOf(1.0).equals(sync.get(h.name())));
            box.put("lag_bytes", lag.get(h.name()));
        }
        return box;
    }

    /** The value of each series of the vector by its host label. */
    static Map<String, Double> byHost(JsonNode vector) {
        Map<String, Double> values = new HashMap<>();
        for (JsonNode sample : vector) {
            String host = sample.path("metric").path("host").asText("");
            if (!host.isEmpty()) {
                values.put(host, value(sample));
            }
        }
        return values;
    }

    private static Double scalar(Function<String, JsonNode> query, String promql) {
        if (promql.isEmpty()) {
            return null;
        }
        JsonNode vector = query.apply(promql);
        if (vector.isEmpty()) {
            return null;
        }
        double v = value(vector.get(0));
        return Double.isNaN(v) || Double.isInfinite(v) ? null : v;
    }

    private static double value(JsonNode sample) {
        try {
            return Double.parseDouble(sample.path("value").get(1).asText());
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    private static List<String> lastLines(Path file, int n) {
        try {
            if (!Files.exists(file)) {
                return List.of();
            }
            List<String> all = Files.readAllLines(file);
            return List.copyOf(all.subList(Math.max(0, all.size() - n), all.size()));
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The newest drill reports: scenario, passed, when. */
    private static List<Object> lastDrills(Path dir, int n) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> newest = files.filter(p -> p.toString().endsWith(".json"))
                    .sorted(Comparator.comparing(DashboardData::modified).reversed()).limit(n).toList();
            List<Object> drills = new ArrayList<>();
            for (Path p : newest) {
                try {
                    JsonNode report = JSON.readTree(p.toFile());
                    Map<String, Object> d = new LinkedHashMap<>();
                    d.put("scenario", report.path("scenario").asText());
                    d.put("passed", report.path("passed").asBoolean());
                    d.put("started_at", report.path("started_at").asText(report.path("startedAt").asText()));
                    drills.add(d);
                } catch (IOException | RuntimeException e) {
                    // a report being written: the next snapshot reads it
                }
            }
            return drills;
        } catch (IOException e) {
            return List.of();
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    private static Map<String, String> orderedOf(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
