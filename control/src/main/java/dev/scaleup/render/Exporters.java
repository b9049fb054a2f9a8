package dev.scaleup.render;

import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.util.List;

/**
 * The Prometheus exporters of every tier (with {@code monitoring.enabled}): their ports and command lines. Each is
 * Debian's package, runs as Debian's {@code prometheus} user, listens on its host's address and is let in from the
 * monitoring host only ({@link FirewallConfig}).
 *
 * <pre>
 *   lb    HAProxy's own exporter           :8405/metrics  (a frontend of haproxy.cfg)
 *         prometheus-node-exporter          :9100          (textfile only: keepalived's VRRP state, vrrp-notify.sh)
 *   web   prometheus-nginx-exporter         :9113          (reads nginx's stub_status on 127.0.0.1:8081)
 *   app   the app's own /metrics            :app port      (Micrometer: requests per route, latency, pool)
 *   db    prometheus-postgres-exporter      :9187          (PostgreSQL over the local socket, as the role prometheus)
 *         Patroni's /metrics                :8008
 *         etcd's /metrics                   :2379          (etcd members)
 *   backup prometheus-node-exporter         :9100          (textfile only: the newest backups, by the schedule)
 *   mon   prometheus-node-exporter          :9100          (the file systems: on netns the hosts share the disk)
 *   all   prometheus-node-exporter          :9100          (on servers only: each is a machine of its own)
 * </pre>
 */
public final class Exporters {

    /** The OS user every exporter runs as (Debian's prometheus packages make it). */
    public static final String USER = "prometheus";
    /** HAProxy's Prometheus exporter, a frontend on the load balancer's own address. */
    public static final int HAPROXY_PORT = 8405;
    public static final int NODE_PORT = 9100;
    public static final int NGINX_PORT = 9113;
    public static final int POSTGRES_PORT = 9187;
    /** nginx's stub_status, on the web host's loopback only: the exporter beside it reads it. */
    public static final int NGINX_STATUS_PORT = 8081;
    public static final String NGINX_STATUS_PATH = "/stub_status";
    /** The directory (under the host's run directory) whose *.prom files node-exporter serves. */
    public static final String TEXTFILE_DIR = "textfile";
    /** keepalived's state, written by vrrp-notify.sh, in {@link #TEXTFILE_DIR}. */
    public static final String VRRP_TEXTFILE = "vrrp.prom";

    public static final String NODE_PROCESS = "node-exporter";
    public static final String NGINX_PROCESS = "nginx-exporter";
    public static final String POSTGRES_PROCESS = "postgres-exporter";

    private Exporters() {}

    /**
     * The exporters the host runs beside its server, by process name, in start order (none without monitoring). On
     * netns node-exporter runs on the load balancers (keepalived's state), the backup host (its newest backups) and
     * the monitoring host only: the hosts share this machine's kernel and disk. On servers every host is a machine
     * of its own: node-exporter runs on each.
     */
    public static List<String> processes(Topology t, Host host) {
        if (!t.monitoring().enabled()) {
            return List.of();
        }
        List<String> names = new java.util.ArrayList<>();
        if (t.onServers() || textfile(host) || host.role() == Role.MON) {
            names.add(NODE_PROCESS);
        }
        if (host.role() == Role.WEB) {
            names.add(NGINX_PROCESS);
        }
        if (host.role() == Role.DB) {
            names.add(POSTGRES_PROCESS);
        }
        return List.copyOf(names);
    }

    /**
     * Whether the host's node-exporter serves a textfile directory: a load balancer's (keepalived's VRRP state, by
     * vrrp-notify.sh) and the backup host's (the repository's newest backups, by the backup schedule).
     */
    static boolean textfile(Host host) {
        return host.role() == Role.LB || host.role() == Role.BACKUP;
    }

    /**
     * node-exporter's collectors on a server: the machine's CPU, load, memory, file systems, disks and network. Not
     * its whole default set (about 40, most reading /sys): on the lab's 11 servers scraped every 2 s those cost 2 % of
     * a core each, the node-exporters together more than Prometheus, every server and the drills' clients.
     */
    static final List<String> SERVER_COLLECTORS = List.of("cpu", "loadavg", "meminfo", "filesystem", "diskstats",
            "netdev", "stat");

    /** The port an exporter process listens on. */
    public static int port(String process) {
        return switch (process) {
            case NODE_PROCESS -> NODE_PORT;
            case NGINX_PROCESS -> NGINX_PORT;
            case POSTGRES_PROCESS -> POSTGRES_PORT;
            default -> throw new IllegalArgumentException("not an exporter: " + process);
        };
    }

    /**
     * node-exporter. On netns only what is the host's own: the textfile collector of a load balancer (keepalived's
     * VRRP state) or the backup host (its newest backups), and the monitoring host's file systems (CPU, memory and
     * network figures of one namespace would be the machine's). On a server the machine's figures
     * ({@link #SERVER_COLLECTORS}), plus the textfile collector on those two.
     */
    public static List<String> nodeCommand(Topology t, Host host, HostPaths paths) {
        List<String> command = new java.util.ArrayList<>(List.of("/usr/bin/prometheus-node-exporter",
                "--web.listen-address=" + host.address() + ":" + NODE_PORT));
        command.add("--collector.disable-defaults");
        if (t.onServers()) {
            SERVER_COLLECTORS.forEach(c -> command.add("--collector." + c));
        } else if (host.role() == Role.MON) {
            command.add("--collector.filesystem");
        }
        if (textfile(host)) {
            command.add("--collector.textfile");
            command.add("--collector.textfile.directory=" + paths.run().resolve(TEXTFILE_DIR));
        }
        return List.copyOf(command);
    }

    public static List<String> nginxCommand(Host host) {
        return List.of("/usr/bin/prometheus-nginx-exporter", "-web.listen-address=" + host.address() + ":" + NGINX_PORT,
                "-nginx.scrape-uri=http://127.0.0.1:" + NGINX_STATUS_PORT + NGINX_STATUS_PATH, "-nginx.retries=10",
                "-nginx.retry-interval=1s", "-nginx.timeout=2s");
    }

    public static List<String> postgresCommand(Host host) {
        return List.of("/usr/bin/prometheus-postgres-exporter", "--web.listen-address=" + host.address() + ":"
                + POSTGRES_PORT, "--log.level=warn");
    }

    /**
     * The exporter's connection: PostgreSQL's socket on the host, as the role {@code prometheus} (a member of
     * pg_monitor), which pg_hba.conf lets in by peer authentication only: no password to keep.
     */
    public static String postgresDataSource(Topology t, HostPaths paths) {
        return "host=" + paths.run() + " port=" + t.db().port() + " user=" + USER + " dbname=postgres sslmode=disable";
    }
}
