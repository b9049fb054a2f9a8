package dev.scaleup.it;

import static java.util.Objects.requireNonNull;

import dev.scaleup.render.Etcd;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;

/**
 * The policy, written from the specification (not from the renderer): who may open which port where, and so what a
 * TCP connect from a source ({@link #ROOT}, the machine's namespace, or a host's name) to {@code address:port} gets.
 */
record FlowPolicy(Topology topology) {

    /** The source that is the machine's own (root) namespace. */
    static final String ROOT = "root";

    FlowPolicy {
        requireNonNull(topology, "topology is null");
    }

    TcpProbe.Outcome expected(String source, String target) {
        String address = target.substring(0, target.lastIndexOf(':'));
        int port = Integer.parseInt(target.substring(target.lastIndexOf(':') + 1));
        if (!allowed(source, address, port)) {
            return TcpProbe.Outcome.DROPPED;
        }
        return listening(address, port) ? TcpProbe.Outcome.OPEN : TcpProbe.Outcome.REFUSED;
    }

    boolean allowed(String source, String targetAddress, int port) {
        Topology t = topology;
        if (targetAddress.equals(t.network().vip().toString())) {
            return port == t.lb().port() || port == t.lb().edge().httpsPort();
        }
        Host target = hostAt(targetAddress);
        boolean fromRoot = source.equals(ROOT);
        Role from = fromRoot ? null : topology.host(source).orElseThrow().role();
        boolean fromMember = !fromRoot && Etcd.members(t).contains(topology.host(source).orElseThrow());
        boolean allowed = switch (target.role()) {
            // the other load balancer's split-brain check asks whether this one's HAProxy is alive
            case LB -> port == 8404 && from == Role.LB;
            case WEB -> port == t.web().port() && (from == Role.LB || fromRoot);
            case APP -> port == t.app().port() && (from == Role.WEB || fromRoot);
            // the app hosts reach PgBouncer with db.pooler, else PostgreSQL itself; other db hosts PostgreSQL
            case DB -> port == t.db().appPort() && from == Role.APP || port == t.db().port() && from == Role.DB
                    || port == 8008 && (from == Role.DB || fromRoot)
                    // pgBackRest: the backup host takes backups through each db host's TLS server
                    || port == 8432 && from == Role.BACKUP;
            // pgBackRest: the primary pushes WAL to the repository's TLS server
            case BACKUP -> port == 8432 && from == Role.DB;
            // Prometheus and Alertmanager: the operator's side (status, drills, the dashboard) only
            case MON -> (port == 9090 || port == 9093) && fromRoot;
        };
        if (Etcd.members(t).contains(target)) {
            allowed |= port == 2379 && (from == Role.DB || fromMember || fromRoot) || port == 2380 && fromMember;
        }
        // the monitoring host scrapes each tier's exporter, and nothing else
        allowed |= from == Role.MON && t.monitoring().enabled() && scraped(target, port);
        return allowed;
    }

    /** Whether a server listens there (else an allowed connect is refused). */
    boolean listening(String targetAddress, int port) {
        Topology t = topology;
        if (targetAddress.equals(t.network().vip().toString())) {
            return port == t.lb().port() || port == t.lb().edge().httpsPort();
        }
        Host target = hostAt(targetAddress);
        boolean member = Etcd.members(t).contains(target);
        return switch (target.role()) {
            case LB -> port == 8404;
            case WEB -> port == t.web().port();
            case APP -> port == t.app().port();
            case DB -> port == t.db().port() || port == 8008 || port == 8432 && t.backup().enabled()
                    || port == dev.scaleup.topology.Db.POOLER_PORT && t.db().pooler();
            case BACKUP -> port == 8432;
            case MON -> port == 9090 || port == 9093 || port == 9100;
        } || member && (port == 2379 || port == 2380) || t.monitoring().enabled() && scraped(target, port);
    }

    /**
     * The exporters, by tier: HAProxy's own (8405) and node-exporter with keepalived's state (9100) on the load
     * balancers, the nginx exporter (9113), the app's /metrics on its port, the PostgreSQL exporter (9187), Patroni
     * (8008) and etcd (2379) on the db hosts, node-exporter with the newest backups (9100) on the backup host.
     */
    private boolean scraped(Host target, int port) {
        Topology t = topology;
        return switch (target.role()) {
            case LB -> port == 8405 || port == 9100;
            case WEB -> port == 9113;
            case APP -> port == t.app().port();
            case DB -> port == 9187 || port == 8008 || port == 2379 && Etcd.members(t).contains(target);
            case BACKUP -> port == 9100; // node-exporter with the newest backups
            case MON -> false;
        };
    }

    Host hostAt(String address) {
        return topology.hosts().stream().filter(h -> h.address().toString().equals(address)).findFirst().orElseThrow();
    }
}
