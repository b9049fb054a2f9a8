package dev.scaleup.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.runtime.Exec;
import dev.scaleup.topology.Topology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alert rules no drill raises, proved on synthetic series by Debian's {@code promtool test rules}: each fires
 * when it should, with the labels and the runbook it should, and not before its {@code for} (or not at all when the
 * series say all is well). The rendered alerts.yml of the default topology is the file under test.
 */
class AlertRulesPromtoolTest {

    /** The default topology, but for a backup every minute: BackupTooOld's bound is then 2 minutes, not 2 days. */
    private static final Topology T = dev.scaleup.topology.TopologyLoader.parse(
            "name: t\nbackup:\n  incr_every_minutes: 1\n", Path.of("/srv"), Path.of("t.yaml"));
    private static final Map<String, AlertRules.Rule> RULES = new LinkedHashMap<>();

    static {
        AlertRules.rules(T).forEach(r -> RULES.put(r.name(), r));
    }

    /** One expected alert: the rule's severity and these labels; its annotations with the labels filled in. */
    private static Map<String, Object> alert(String name, Map<String, String> labels) {
        AlertRules.Rule rule = RULES.get(name);
        Map<String, Object> expLabels = new LinkedHashMap<>(labels);
        expLabels.put("severity", rule.severity());
        Map<String, Object> annotations = new LinkedHashMap<>();
        annotations.put("summary", fill(rule.summary(), labels));
        annotations.put("runbook", fill(rule.runbook(), labels));
        return Map.of("exp_labels", expLabels, "exp_annotations", annotations);
    }

    private static String fill(String template, Map<String, String> labels) {
        String out = template;
        for (var e : labels.entrySet()) {
            out = out.replace("{{ $labels." + e.getKey() + " }}", e.getValue());
        }
        return out;
    }

    private static Map<String, Object> at(String evalTime, String name, Map<String, Object>... alerts) {
        Map<String, Object> test = new LinkedHashMap<>();
        test.put("eval_time", evalTime);
        test.put("alertname", name);
        test.put("exp_alerts", List.of(alerts));
        return test;
    }

    private static Map<String, Object> series(String series, String values) {
        return Map.of("series", series, "values", values);
    }

    /** Both load balancers' series: HAProxy's up and keepalived's MASTER flag, each as promtool's values. */
    private static List<Map<String, Object>> loadBalancers(String up1, String up2, String master1, String master2) {
        return List.of(
                series("up{job=\"haproxy\",host=\"lb1\"}", up1),
                series("up{job=\"haproxy\",host=\"lb2\"}", up2),
                series("scaleup_vrrp_master{job=\"keepalived\",host=\"lb1\"}", master1),
                series("scaleup_vrrp_master{job=\"keepalived\",host=\"lb2\"}", master2));
    }

    private static Map<String, Object> group(String name, List<Map<String, Object>> input, List<Map<String, Object>> tests) {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("name", name);
        g.put("interval", "2s");
        g.put("input_series", input);
        g.put("alert_rule_test", tests);
        return g;
    }

    @Test
    @SuppressWarnings("unchecked")
    void theRulesNoDrillRaisesFireOnTheirSeriesAndOnlyThen(@TempDir Path dir) throws Exception {
        boolean promtool = Files.isExecutable(Path.of("/usr/bin/promtool"));
        if (!promtool && !"true".equals(System.getenv("CI"))) {
            Assumptions.assumeTrue(false, "skipped: needs Debian's promtool (package prometheus; ./test installs it)");
        }
        Files.writeString(dir.resolve(AlertRules.FILE), AlertRules.render(T, T.hosts(dev.scaleup.topology.Role.MON)
                .get(0)).content());
        List<Object> groups = new ArrayList<>();
        // no load balancer with a live HAProxy holds the VIP; then both do (a split brain longer than lb2's check)
        groups.add(group("vip holders", loadBalancers("1x40", "1x40", "0x10 1x30", "0x40"), List.of(
                at("2s", "VipNoHolder"),
                at("10s", "VipNoHolder", alert("VipNoHolder", Map.of())),
                at("30s", "VipNoHolder"),
                at("30s", "VipTwoHolders"))));
        // Prometheus has just started: nothing scraped yet for 10 s (its first scrapes come after its first rule
        // evaluations), then a holder: no page for that
        groups.add(group("prometheus starting", loadBalancers("_x5 1x20", "_x5 1x20", "_x5 1x20", "_x5 0x20"), List.of(
                at("8s", "VipNoHolder"),
                at("20s", "VipNoHolder"))));
        groups.add(group("split brain", loadBalancers("1x40", "1x20 0x20", "1x40", "1x40"), List.of(
                at("8s", "VipTwoHolders"),
                at("20s", "VipTwoHolders", alert("VipTwoHolders", Map.of())),
                // lb2's HAProxy is dead: its stale "MASTER" is not a holder
                at("70s", "VipTwoHolders"))));
        groups.add(group("no synchronous standby", List.of(
                series("patroni_primary{job=\"patroni\",host=\"db1\"}", "1x30"),
                series("patroni_sync_standby{job=\"patroni\",host=\"db2\"}", "1x5 0x25"),
                series("patroni_sync_standby{job=\"patroni\",host=\"db3\"}", "0x30")), List.of(
                at("8s", "NoSyncStandby"),
                at("30s", "NoSyncStandby", alert("NoSyncStandby", Map.of())))));
        groups.add(group("replication lag", List.of(
                series("patroni_xlog_location{host=\"db1\"}", "100000000x40"),
                series("patroni_xlog_location{host=\"db2\"}", "0x40"),
                series("patroni_xlog_replayed_location{host=\"db1\"}", "0x40"),
                series("patroni_xlog_replayed_location{host=\"db2\"}", "10000000x40"),
                series("patroni_replica{host=\"db1\"}", "0x40"),
                series("patroni_replica{host=\"db2\"}", "1x40")), List.of(
                at("20s", "ReplicationLagHigh"),
                at("40s", "ReplicationLagHigh", alert("ReplicationLagHigh", Map.of("host", "db2"))))));
        groups.add(group("5xx ratio", List.of(
                series("haproxy_frontend_http_requests_total{proxy=\"fe_http\",host=\"lb1\"}", "0+100x60"),
                series("haproxy_frontend_http_responses_total{proxy=\"fe_http\",code=\"5xx\",host=\"lb1\"}", "0+10x60"),
                series("haproxy_frontend_http_requests_total{proxy=\"fe_other\",host=\"lb1\"}", "0+100x60")), List.of(
                at("20s", "SiteErrorRatioHigh"),
                at("60s", "SiteErrorRatioHigh", alert("SiteErrorRatioHigh", Map.of())))));
        groups.add(group("connections", List.of(
                series("pg_stat_activity_count{host=\"db1\",state=\"active\"}", "85x30"),
                series("pg_stat_activity_count{host=\"db1\",state=\"idle\"}", "0x30"),
                series("pg_settings_max_connections{host=\"db1\"}", "100x30"),
                series("pg_stat_activity_count{host=\"db2\",state=\"active\"}", "10x30"),
                series("pg_settings_max_connections{host=\"db2\"}", "100x30")), List.of(
                at("20s", "DbConnectionsNearMax"),
                at("40s", "DbConnectionsNearMax", alert("DbConnectionsNearMax", Map.of("host", "db1"))))));
        groups.add(group("disk", List.of(
                series("node_filesystem_avail_bytes{host=\"mon1\",mountpoint=\"/\",fstype=\"ext4\"}", "5x40"),
                series("node_filesystem_size_bytes{host=\"mon1\",mountpoint=\"/\",fstype=\"ext4\"}", "100x40"),
                series("node_filesystem_avail_bytes{host=\"mon1\",mountpoint=\"/run\",fstype=\"tmpfs\"}", "0x40"),
                series("node_filesystem_size_bytes{host=\"mon1\",mountpoint=\"/run\",fstype=\"tmpfs\"}", "100x40")),
                List.of(at("40s", "DiskFilling"),
                        at("70s", "DiskFilling", alert("DiskFilling", Map.of("host", "mon1", "mountpoint", "/",
                                "fstype", "ext4"))))));
        groups.add(group("archiving", List.of(
                series("pg_stat_archiver_failed_count{host=\"db1\"}", "0x10 1+1x20"),
                series("patroni_primary{host=\"db1\"}", "1x30"),
                series("pg_stat_archiver_failed_count{host=\"db2\"}", "0+1x30"),
                series("patroni_primary{host=\"db2\"}", "0x30")), List.of(
                at("10s", "ArchivingFailing"),
                at("40s", "ArchivingFailing", alert("ArchivingFailing", Map.of("host", "db1"))))));
        // a replica that restarts reports timeline 0 for a moment: no failover; a new primary on timeline 2 is one
        groups.add(group("timeline", List.of(
                series("patroni_postgres_timeline{host=\"db1\"}", "1x70 _x40"),
                series("patroni_postgres_timeline{host=\"db2\"}", "1x70 2x40"),
                series("patroni_postgres_timeline{host=\"db3\"}", "1x50 0x5 1x55")), List.of(
                at("120s", "PrimaryChanged"),
                at("150s", "PrimaryChanged", alert("PrimaryChanged", Map.of())))));
        // backup1's schedule reports a backup that ended at 10 s and none after: over 120 s old from 130 s, for 2 min;
        // one that reports a new backup at every check never fires; no report at all fires after 2 min
        groups.add(group("backups", List.of(
                series("scaleup_backup_newest_timestamp_seconds{host=\"backup1\"}", "10x200")), List.of(
                at("200s", "BackupTooOld"),
                at("300s", "BackupTooOld", alert("BackupTooOld", Map.of())))));
        groups.add(group("backups taken", List.of(
                series("scaleup_backup_newest_timestamp_seconds{host=\"backup1\"}", "0+2x200")), List.of(
                at("390s", "BackupTooOld"))));
        groups.add(group("backups not reported", List.of(
                series("up{job=\"node\",host=\"backup1\"}", "0x100")), List.of(
                at("100s", "BackupTooOld"),
                at("150s", "BackupTooOld", alert("BackupTooOld", Map.of())))));
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("rule_files", List.of(AlertRules.FILE));
        file.put("evaluation_interval", "2s");
        file.put("tests", groups);
        Path test = dir.resolve("alerts-test.yml");
        Files.writeString(test, PrometheusConfig.yaml(file));
        // rule_files are read relative to the test file
        Exec.Result result = Exec.run(List.of("promtool", "test", "rules", test.toString()),
                java.time.Duration.ofSeconds(60), null);
        assertThat(result.exitCode()).as(result.stdout() + result.stderr() + "\n" + Files.readString(test)).isZero();
        assertThat(result.stdout() + result.stderr()).contains("SUCCESS");
    }
}
