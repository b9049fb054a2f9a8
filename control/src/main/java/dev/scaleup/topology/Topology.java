package dev.scaleup.topology;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A validated deployment description: what {@code scaleup.yaml} says, with defaults filled in.
 * The address plan is derived here, once: gateway (the bridge, in the root namespace) = network + 1,
 * host number i of a role = network + role.firstOffset() + i, the VIP where the file puts it.
 *
 * @param name deployment name; namespaces, bridge and veths are named after it
 * @param subnet the network the hosts live in (inside 198.18.0.0/15)
 * @param vip the floating address keepalived moves between the load balancers
 * @param lbCount load balancers (fixed at 2 for now)
 * @param lbPort port HAProxy listens on at the VIP
 * @param webCount nginx hosts
 * @param webPort port nginx listens on
 * @param appCount application servers
 * @param appPort port the app listens on
 * @param appHeapMb -Xmx of each app JVM
 * @param dbReplicas streaming replicas besides the primary
 * @param dbPort PostgreSQL port
 * @param dbName the application's database
 * @param dbUser the application's database user
 * @param site absolute path of the static site nginx serves
 * @param source the file this was read from, or null for the built-in defaults
 * @param edge TLS, redirect and rate limit of the load balancers' frontend
 */
public record Topology(
        String name,
        Subnet subnet,
        Ipv4 vip,
        int lbCount,
        int lbPort,
        int webCount,
        int webPort,
        int appCount,
        int appPort,
        int appHeapMb,
        int dbReplicas,
        int dbPort,
        String dbName,
        String dbUser,
        Path site,
        Path source,
        Edge edge) {

    public Topology {
        requireNonNull(name, "name is null");
        requireNonNull(edge, "edge is null");
        requireNonNull(subnet, "subnet is null");
        requireNonNull(vip, "vip is null");
        requireNonNull(dbName, "dbName is null");
        requireNonNull(dbUser, "dbUser is null");
        requireNonNull(site, "site is null");
    }

    /** A topology with the default {@link Edge} for its name. */
    public Topology(String name, Subnet subnet, Ipv4 vip, int lbCount, int lbPort, int webCount, int webPort,
                    int appCount, int appPort, int appHeapMb, int dbReplicas, int dbPort, String dbName, String dbUser,
                    Path site, Path source) {
        this(name, subnet, vip, lbCount, lbPort, webCount, webPort, appCount, appPort, appHeapMb, dbReplicas, dbPort,
                dbName, dbUser, site, source, Edge.defaults(name));
    }

    /** The same deployment with other edge settings. */
    public Topology withEdge(Edge newEdge) {
        return new Topology(name, subnet, vip, lbCount, lbPort, webCount, webPort, appCount, appPort, appHeapMb,
                dbReplicas, dbPort, dbName, dbUser, site, source, newEdge);
    }

    /** The bridge's address in the root namespace: the hosts' default gateway and the control plane's source address. */
    public Ipv4 gateway() {
        return subnet.at(1);
    }

    public int count(Role role) {
        return switch (role) {
            case LB -> lbCount;
            case WEB -> webCount;
            case APP -> appCount;
            case DB -> 1 + dbReplicas;
        };
    }

    public int port(Role role) {
        return switch (role) {
            case LB -> lbPort;
            case WEB -> webPort;
            case APP -> appPort;
            case DB -> dbPort;
        };
    }

    /** Every host, in start order: db, app, web, lb. */
    public List<Host> hosts() {
        List<Host> hosts = new ArrayList<>();
        for (Role role : List.of(Role.DB, Role.APP, Role.WEB, Role.LB)) {
            hosts.addAll(hosts(role));
        }
        return List.copyOf(hosts);
    }

    public List<Host> hosts(Role role) {
        List<Host> hosts = new ArrayList<>();
        for (int i = 1; i <= count(role); i++) {
            hosts.add(new Host(role.hostName(i), role, i, subnet.at(role.firstOffset() + i)));
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
