package dev.scaleup.topology;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A validated deployment description: what {@code scaleup.yaml} says, with defaults filled in, one record per section
 * of the file. The address plan is derived here, once: gateway (the bridge, in the root namespace) = network + 1,
 * host number i of a role = network + role.firstOffset() + i, the VIP where the file puts it.
 *
 * <p>Build one with {@link #defaults} and the {@code withX} methods; only the binder and the store of a running
 * deployment use the constructor.
 *
 * @param name deployment name; namespaces, bridge and veths are named after it
 * @param network subnet and VIP
 * @param lb the load balancers
 * @param web the nginx hosts
 * @param app the application servers
 * @param db the PostgreSQL hosts
 * @param backup the pgBackRest repository host and WAL archiving (on by default)
 * @param monitoring the monitoring host (Prometheus, Alertmanager) and every host's exporters (on by default)
 * @param site absolute path of the static site nginx serves
 * @param source the file this was read from, or null for the built-in defaults
 * @param servers on the hosts target ({@code target: hosts}) the servers the file lists; null on the netns target
 */
public record Topology(String name, Network network, Lb lb, Web web, App app, Db db, Backup backup,
                       Monitoring monitoring, Path site, Path source, Servers servers) {

    /** The interface every host talks on in its network namespace (netns target). */
    public static final String NETNS_INTERFACE = "eth0";

    public Topology {
        requireNonNull(name, "name is null");
        requireNonNull(network, "network is null");
        requireNonNull(lb, "lb is null");
        requireNonNull(web, "web is null");
        requireNonNull(app, "app is null");
        requireNonNull(db, "db is null");
        requireNonNull(backup, "backup is null");
        requireNonNull(monitoring, "monitoring is null");
        requireNonNull(site, "site is null");
    }

    /** A deployment on the netns target. */
    public Topology(String name, Network network, Lb lb, Web web, App app, Db db, Path site, Path source) {
        this(name, network, lb, web, app, db, Backup.DEFAULTS, Monitoring.DEFAULTS, site, source, null);
    }

    /** True on the hosts target: every host is a server of its own, reached over SSH. */
    public boolean onServers() {
        return servers != null;
    }

    /** The {@code target:} key's value: netns or hosts. */
    public String target() {
        return onServers() ? "hosts" : "netns";
    }

    /** The interface the hosts talk on and the load balancers hold the VIP on. */
    public String hostInterface() {
        return onServers() ? servers.netInterface() : NETNS_INTERFACE;
    }

    /** Every section at its defaults, for a deployment of this name serving this site; no source file. */
    public static Topology defaults(String name, Path site) {
        return new Topology(name, Network.DEFAULTS, Lb.defaults(name), Web.DEFAULTS, App.DEFAULTS, Db.DEFAULTS, site, null);
    }

    public Topology withNetwork(Network newNetwork) {
        return new Topology(name, newNetwork, lb, web, app, db, backup, monitoring, site, source, servers);
    }

    public Topology withLb(Lb newLb) {
        return new Topology(name, network, newLb, web, app, db, backup, monitoring, site, source, servers);
    }

    /** The same deployment with other edge settings. */
    public Topology withEdge(Edge newEdge) {
        return withLb(lb.withEdge(newEdge));
    }

    public Topology withWeb(Web newWeb) {
        return new Topology(name, network, lb, newWeb, app, db, backup, monitoring, site, source, servers);
    }

    public Topology withApp(App newApp) {
        return new Topology(name, network, lb, web, newApp, db, backup, monitoring, site, source, servers);
    }

    public Topology withDb(Db newDb) {
        return new Topology(name, network, lb, web, app, newDb, backup, monitoring, site, source, servers);
    }

    public Topology withBackup(Backup newBackup) {
        return new Topology(name, network, lb, web, app, db, newBackup, monitoring, site, source, servers);
    }

    public Topology withMonitoring(Monitoring newMonitoring) {
        return new Topology(name, network, lb, web, app, db, backup, newMonitoring, site, source, servers);
    }

    public Topology withSource(Path newSource) {
        return new Topology(name, network, lb, web, app, db, backup, monitoring, site, newSource, servers);
    }

    /** The bridge's address in the root namespace: the hosts' default gateway and the control plane's source address. */
    public Ipv4 gateway() {
        return network.subnet().at(1);
    }

    public int count(Role role) {
        return switch (role) {
            case LB -> lb.count();
            case WEB -> web.count();
            case APP -> app.count();
            case DB -> 1 + db.replicas();
            case BACKUP -> backup.enabled() ? 1 : 0;
            case MON -> monitoring.enabled() ? 1 : 0;
        };
    }

    public int port(Role role) {
        return switch (role) {
            case LB -> lb.port();
            case WEB -> web.port();
            case APP -> app.port();
            case DB -> db.port();
            case BACKUP -> Backup.TLS_PORT;
            case MON -> Monitoring.PROMETHEUS_PORT;
        };
    }

    /**
     * Every host, in start order: db, backup, mon, app, web, lb. The backup host comes right after the db hosts: its
     * stanza is made once the primary serves, and archiving from the primary retries until then. The monitoring host
     * needs nothing of the others (a target it cannot scrape yet is just down).
     */
    public List<Host> hosts() {
        List<Host> hosts = new ArrayList<>();
        for (Role role : List.of(Role.DB, Role.BACKUP, Role.MON, Role.APP, Role.WEB, Role.LB)) {
            hosts.addAll(hosts(role));
        }
        return List.copyOf(hosts);
    }

    public List<Host> hosts(Role role) {
        List<Host> hosts = new ArrayList<>();
        for (int i = 1; i <= count(role); i++) {
            String name = role.hostName(i);
            // on the hosts target each server's address is the listed one: the address plan is not used there
            hosts.add(new Host(name, role, i, onServers() ? servers.named(name).orElseThrow().address()
                    : network.subnet().at(role.firstOffset() + i)));
        }
        return List.copyOf(hosts);
    }

    public Optional<Host> host(String hostName) {
        return hosts().stream().filter(h -> h.name().equals(hostName)).findFirst();
    }

    /** The host that is primary at creation; failover may move the role later. */
    public Host initialPrimary() {
        return hosts(Role.DB).get(0);
    }

    /** The load balancer that starts as VRRP master. */
    public Host initialVipHolder() {
        return hosts(Role.LB).get(0);
    }
}
