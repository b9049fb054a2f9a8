package dev.scaleup.render;

import dev.scaleup.topology.Host;
import dev.scaleup.topology.Topology;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code alerts.yml}: the alert rules Prometheus evaluates on the monitoring host, each with what a pager would say
 * and a runbook line. docs/OBSERVABILITY.md lists them with the drill that proves each.
 *
 * <p>A host counts as down after two failed scrapes in a row ({@code for} twice the scrape interval), so with the
 * default interval of 2 s an alert fires about 4 to 8 s after the fault: one failed scrape is not a page.
 */
public final class AlertRules {

    public static final String FILE = "alerts.yml";

    /**
     * One rule.
     *
     * @param name the alert's name
     * @param expr the PromQL expression: an alert per series it returns
     * @param forSeconds how long the expression must hold before the alert fires
     * @param severity page (someone must act now) or ticket (in working hours)
     * @param summary what happened, with labels of the series ({@code {{ $labels.host }}})
     * @param runbook what to do first
     */
    public record Rule(String name, String expr, int forSeconds, String severity, String summary, String runbook) {}

    /** Alerts that stay firing for a while after what raised them is over (a failover happened): never "resolved" by a restore. */
    public static final List<String> LATCHING = List.of("PrimaryChanged");

    private AlertRules() {}

    public static List<Rule> rules(Topology t) {
        int down = 2 * t.monitoring().scrapeIntervalSeconds();
        List<Rule> rules = new ArrayList<>();
        // "and on() count(up…)": not before Prometheus has scraped the load balancers once. Its first scrapes come
        // about 5 s after it starts (service discovery's first update), after its first rule evaluations, and
        // "or vector(0)" alone made every start of Prometheus page VipNoHolder
        rules.add(new Rule("VipNoHolder",
                "(sum(scaleup_vrrp_master == 1 and on(host) up{job=\"haproxy\"} == 1) or vector(0)) < 1"
                        + " and on() count(up{job=\"haproxy\"}) > 0", down, "page",
                "no load balancer holds the VIP: the site is unreachable",
                "scaleup status; scaleup logs lb1 keepalived; scaleup logs lb2 keepalived; `scaleup up` starts what is down"));
        rules.add(new Rule("VipTwoHolders",
                "sum(scaleup_vrrp_master == 1 and on(host) up{job=\"haproxy\"} == 1) > 1", 3 * down, "page",
                "both load balancers hold the VIP (split brain): clients' connections are reset",
                "check VRRP between the load balancers (firewall, link); lb2 gives way by itself within 30 s"
                        + " (vip-check.sh); scaleup status"));
        rules.add(new Rule("LoadBalancerDown", "up{job=\"haproxy\"} == 0", down, "page",
                "load balancer {{ $labels.host }} does not answer: the VIP has one load balancer left",
                "scaleup status; scaleup logs {{ $labels.host }} haproxy; scaleup up"));
        rules.add(new Rule("WebHostDown", "nginx_up == 0 or up{job=\"nginx\"} == 0", down, "page",
                "web host {{ $labels.host }} is down: HAProxy sends its share to the others",
                "scaleup status; scaleup logs {{ $labels.host }} nginx; scaleup up"));
        rules.add(new Rule("AppHostDown", "up{job=\"app\"} == 0", down, "page",
                "app host {{ $labels.host }} does not answer: nginx retries on the others",
                "scaleup status; scaleup logs {{ $labels.host }} app; scaleup up"));
        rules.add(new Rule("DbHostDown", "pg_up == 0 or up{job=~\"postgres|patroni\"} == 0", down, "page",
                "db host {{ $labels.host }}: PostgreSQL or Patroni is down",
                "scaleup status (which host is primary now); scaleup logs {{ $labels.host }} patroni; scaleup up"));
        rules.add(new Rule("EtcdMemberDown", "up{job=\"etcd\"} == 0", down, "page",
                "etcd member on {{ $labels.host }} is down: one more lost and Patroni cannot keep a leader",
                "scaleup logs {{ $labels.host }} etcd; scaleup up"));
        // a host's timeline changed in the last 2 minutes, its zeros left out: a replica restarting reports
        // timeline 0 for a moment, which is no failover (changes() of the raw series raised this alert in
        // db-replica-kill). Not the highest timeline against its value 2 minutes ago: on a stack younger than
        // 2 minutes there is no such value, and a failover then fired nothing until the stack was 2 minutes old
        // (CI: 28.8 s after the fault, in a DrillIT whose db-primary-kill came 1.5 minutes after up)
        rules.add(new Rule("PrimaryChanged", "max(changes((patroni_postgres_timeline > 0)[2m:])) > 0",
                0, "ticket",
                "the database failed over or switched over in the last 2 minutes (a new timeline)",
                "scaleup status: which host leads now, whether the old primary rejoined; scaleup history"));
        if (t.db().replicas() > 0) {
            rules.add(new Rule("NoSyncStandby",
                    "sum(patroni_primary) == 1 unless sum(patroni_sync_standby) > 0", 3 * down, "page",
                    "the primary has no synchronous standby: commits wait (no write is acknowledged) until one is back",
                    "scaleup status; start the replicas (scaleup up); a lone primary waits by design (RPO 0)"));
            rules.add(new Rule("ReplicationLagHigh",
                    "scalar(max(patroni_xlog_location)) - (patroni_xlog_replayed_location and on(host)"
                            + " patroni_replica == 1) > 64e6", 30, "ticket",
                    "replica {{ $labels.host }} replays more than 64 MB behind the primary",
                    "scaleup status (lag per replica); scaleup logs {{ $labels.host }} patroni; reads from it are stale"));
        }
        rules.add(new Rule("SiteErrorRatioHigh",
                "sum(rate(haproxy_frontend_http_responses_total{proxy=\"fe_http\",code=\"5xx\"}[1m]))"
                        + " / sum(rate(haproxy_frontend_http_requests_total{proxy=\"fe_http\"}[1m])) > 0.05", 30, "page",
                "more than 5 % of the site's answers are 5xx (HAProxy's frontend, the last minute)",
                "scaleup status; scaleup logs --all --since 5m --grep ' 5[0-9][0-9] '"));
        rules.add(new Rule("SiteLatencyHigh",
                "histogram_quantile(0.99, sum by (le) (rate(http_server_requests_seconds_bucket{route!~\"/metrics|/healthz|/readyz\"}[1m])))"
                        + " > 0.5", 60, "ticket",
                "the app tier's p99 latency is over 500 ms (the last minute, every route)",
                "scaleup bench; the db hosts' CPU and connections (scaleup status); scale app or db.replicas"));
        rules.add(new Rule("DbConnectionsNearMax",
                "sum by (host) (pg_stat_activity_count) / on(host) max by (host) (pg_settings_max_connections) > 0.8",
                30, "page",
                "{{ $labels.host }} uses over 80 % of max_connections: new connections will be refused",
                "scaleup status; fewer app hosts or smaller pools (app.pool), or a pooler"));
        rules.add(new Rule("DiskFilling",
                "node_filesystem_avail_bytes{fstype!~\"tmpfs|overlay|squashfs\"}"
                        + " / node_filesystem_size_bytes{fstype!~\"tmpfs|overlay|squashfs\"} < 0.10", 60, "page",
                "{{ $labels.mountpoint }} has less than 10 % free",
                "du -sh the state directory's hosts/*/data and logs; backups expire by retention_full"));
        if (t.backup().enabled()) {
            rules.add(new Rule("ArchivingFailing",
                    "increase(pg_stat_archiver_failed_count[5m]) > 0 and on(host) patroni_primary == 1", 0, "page",
                    "the primary on {{ $labels.host }} fails to archive WAL to backup1: point-in-time restores stop at"
                            + " the last archived segment, and pg_wal grows",
                    "scaleup backups; scaleup logs backup1 pgbackrest; scaleup status"));
            BackupSchedule.overdueAfterSeconds(t.backup()).ifPresent(overdue -> rules.add(new Rule("BackupTooOld",
                    // absent: backup1's node-exporter or its schedule reports nothing (for over two minutes)
                    "time() - max(scaleup_backup_newest_timestamp_seconds) > " + overdue
                            + " or absent(scaleup_backup_newest_timestamp_seconds)", 120, "ticket",
                    "the newest backup in backup1's repository is over " + (overdue % 3600 == 0 ? overdue / 3600 + " h"
                            : overdue / 60 + " min") + " old, or backup1 does"
                            + " not report its backups: a restore would replay more WAL, or has no backup to start from",
                    "scaleup backups; scaleup logs backup1 backup-schedule; scaleup backup takes one now")));
        }
        return List.copyOf(rules);
    }

    public static RenderedFile render(Topology t, Host host) {
        List<Object> rules = new ArrayList<>();
        for (Rule r : rules(t)) {
            Map<String, Object> rule = new LinkedHashMap<>();
            rule.put("alert", r.name());
            rule.put("expr", r.expr());
            if (r.forSeconds() > 0) {
                rule.put("for", r.forSeconds() + "s");
            }
            rule.put("labels", Map.of("severity", r.severity()));
            Map<String, Object> annotations = new LinkedHashMap<>();
            annotations.put("summary", r.summary());
            annotations.put("runbook", r.runbook());
            rule.put("annotations", annotations);
            rules.add(rule);
        }
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("name", "scaleup");
        group.put("rules", rules);
        return new RenderedFile(FILE, Text.banner(t, host) + PrometheusConfig.yaml(Map.of("groups", List.of(group))),
                RenderedFile.PUBLIC);
    }
}
