package dev.scaleup.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scaleup.ops.MonitoringApi;
import dev.scaleup.topology.Topology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's snapshot from Prometheus's answers (vectors as its API returns them) and the state directory. */
class DashboardDataTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Topology T = Topology.defaults("dash", Path.of("/srv/site"));

    /** A vector of one sample per host, as /api/v1/query's data.result. */
    private static JsonNode vector(Object... hostValues) throws Exception {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < hostValues.length; i += 2) {
            json.append(i == 0 ? "" : ",").append("{\"metric\":{\"host\":\"").append(hostValues[i])
                    .append("\"},\"value\":[1796140000.0,\"").append(hostValues[i + 1]).append("\"]}");
        }
        return JSON.readTree(json.append("]").toString());
    }

    private static JsonNode scalar(String value) throws Exception {
        return JSON.readTree("[{\"metric\":{},\"value\":[1796140000.0,\"" + value + "\"]}]");
    }

    @Test
    void everyHostIsABoxWithItsStateAndEveryTierItsTraffic(@TempDir Path state) throws Exception {
        Files.writeString(state.resolve("history.log"), "2026-12-01T10:00:00Z scale: web=3\n"
                + "2026-12-01T10:01:00Z scale: done in 20.1 s\n");
        Files.createDirectories(state.resolve("drills"));
        Files.writeString(state.resolve("drills/app-kill-1.json"), "{\"scenario\":\"app-kill\",\"passed\":true,"
                + "\"started_at\":\"2026-12-01T10:02:00Z\"}");
        Map<String, JsonNode> answers = new java.util.HashMap<>();
        answers.put("up{job=\"haproxy\"}", vector("lb1", "1", "lb2", "1"));
        answers.put("nginx_up", vector("web1", "1", "web2", "0"));
        answers.put("up{job=\"app\"}", vector("app1", "0", "app2", "1", "app3", "1"));
        answers.put("min by (host) (pg_up or up{job=\"patroni\"})", vector("db1", "1", "db2", "1", "db3", "1"));
        answers.put("scaleup_vrrp_master", vector("lb1", "0", "lb2", "1"));
        answers.put("patroni_primary", vector("db1", "0", "db2", "1", "db3", "0"));
        answers.put("patroni_sync_standby", vector("db1", "0", "db2", "0", "db3", "1"));
        answers.put("clamp_min(scalar(max(patroni_xlog_location)) - (patroni_xlog_replayed_location and on(host)"
                + " patroni_replica == 1), 0)", vector("db1", "8192", "db3", "0"));
        answers.put(DashboardData.TIER_QUERIES.get(dev.scaleup.topology.Role.LB)[0], scalar("412.5"));
        answers.put(DashboardData.TIER_QUERIES.get(dev.scaleup.topology.Role.APP)[3], scalar("0.0315"));
        answers.put(DashboardData.TIER_QUERIES.get(dev.scaleup.topology.Role.APP)[2], scalar("NaN"));
        List<MonitoringApi.Alert> alerts = List.of(new MonitoringApi.Alert("AppHostDown", "app1", "page",
                "app host app1 does not answer", Instant.parse("2026-12-01T10:03:00Z")));

        Map<String, Object> snapshot = DashboardData.snapshot(T, q -> answers.getOrDefault(q, JSON.createArrayNode()),
                alerts, state);
        JsonNode s = JSON.valueToTree(snapshot);

        assertThat(s.path("deployment").asText()).isEqualTo("dash");
        assertThat(s.path("tiers")).extracting(t -> t.path("tier").asText()).containsExactly("lb", "web", "app", "db");
        JsonNode lb = s.path("tiers").get(0);
        assertThat(lb.path("rps").asDouble()).isEqualTo(412.5);
        assertThat(lb.path("hosts").get(1).path("vip").asBoolean()).as("lb2 holds the VIP").isTrue();
        assertThat(lb.path("hosts").get(0).path("vip").asBoolean()).isFalse();
        assertThat(s.path("tiers").get(1).path("hosts").get(1).path("up").asBoolean()).as("web2: nginx_up 0").isFalse();
        JsonNode app = s.path("tiers").get(2);
        assertThat(app.path("hosts").get(0).path("up").asBoolean()).as("app1 down").isFalse();
        assertThat(app.path("hosts").get(1).path("up").asBoolean()).isTrue();
        assertThat(app.path("p99_ms").asDouble()).isEqualTo(31.5);
        assertThat(app.path("p50_ms").isNull()).as("NaN (no requests) is no number").isTrue();
        JsonNode db = s.path("tiers").get(3).path("hosts");
        assertThat(db).extracting(h -> h.path("db_role").asText()).containsExactly("replica", "primary", "replica");
        assertThat(db.get(2).path("sync_standby").asBoolean()).isTrue();
        assertThat(db.get(0).path("lag_bytes").asDouble()).isEqualTo(8192);
        assertThat(s.path("support")).extracting(h -> h.path("name").asText()).containsExactly("backup1", "mon1");
        assertThat(s.path("alerts").get(0).path("host").asText()).isEqualTo("app1");
        assertThat(s.path("history")).hasSize(2);
        assertThat(s.path("drills").get(0).path("scenario").asText()).isEqualTo("app-kill");
    }

    @Test
    void aHostPrometheusKnowsNothingOfIsShownDown(@TempDir Path state) {
        JsonNode s = JSON.valueToTree(DashboardData.snapshot(T, q -> JSON.createArrayNode(), List.of(), state));
        s.path("tiers").forEach(t -> t.path("hosts").forEach(h -> assertThat(h.path("up").asBoolean()).isFalse()));
        assertThat(s.path("tiers").get(3).path("hosts").get(0).path("db_role").asText()).isEqualTo("unknown");
        assertThat(s.path("alerts")).isEmpty();
        assertThat(s.path("history")).isEmpty();
        assertThat(s.path("drills")).isEmpty();
    }
}
