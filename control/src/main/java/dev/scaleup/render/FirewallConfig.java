package dev.scaleup.render;

import static java.util.Objects.requireNonNull;

import dev.scaleup.topology.Backup;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Ipv4;
import dev.scaleup.topology.Monitoring;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * {@code firewall.nft} of a host: the nftables rules that let in only the tier in front of it. Loaded inside the host's
 * namespace with {@code nft -f <conf>/firewall.nft} before the host's processes start, checked with {@code nft -c -f}.
 *
 * <p>Inbound is dropped unless it is a reply (established/related), on loopback, or one of the flows of
 * {@link #rules(Topology, Host)}:
 * <pre>
 *   clients (anyone)          → the VIP on the HTTP and HTTPS ports          (load balancers)
 *   the other load balancer   → VRRP (ip protocol 112)                        (load balancers)
 *   the other load balancer   → HAProxy's liveness port on the host's address (load balancers)
 *   load balancers            → web port                                       (web hosts)
 *   web hosts                 → app port                                       (app hosts)
 *   app hosts                 → PostgreSQL port                                (db hosts)
 *   other db hosts            → PostgreSQL port, Patroni REST 8008             (db hosts)
 *   other db hosts            → etcd client 2379                               (etcd members, all db hosts)
 *   other etcd members        → etcd peer 2380                                 (etcd members)
 *   the backup host           → pgBackRest TLS server 8432 (backups)          (db hosts, with backup.enabled)
 *   db hosts                  → pgBackRest TLS server 8432 (WAL archive)      (the backup host)
 *   the gateway (control plane) → web port, app port, 8008, 2379              (every host but the load balancers)
 *   the gateway (control plane) → Prometheus 9090, Alertmanager 9093          (the monitoring host)
 *   the monitoring host         → each exporter the host has (Exporters)      (every host, with monitoring.enabled)
 * </pre>
 * The gateway is the bridge's address in the root namespace, where the control plane and local clients both live: on
 * the load balancers it is just a client (the control plane reads HAProxy through its unix socket).
 *
 * <p>A pure function of the topology: after any change of the topology (scaling), rendering and loading every host's
 * file again is all it takes. Loading is atomic and idempotent: the file declares the table (a no-op when it exists),
 * deletes it and creates it anew in one transaction, touching no other table in the namespace. The table carries a
 * comment with a digest of its rules ({@link #version(Topology, Host)}), so the runtime can tell whether the rules
 * loaded in a namespace are the current ones.
 */
public final class FirewallConfig {

    public static final String FILE = "firewall.nft";
    /** The nftables table (family inet) that holds the rules; scaleup owns it and nothing else in the namespace. */
    public static final String TABLE = "scaleup";
    /** IP protocol number of VRRP. */
    public static final int VRRP = 112;

    private FirewallConfig() {}

    /**
     * One accepted inbound flow.
     *
     * @param why who and what, for the rule's comment and for people
     * @param sources the only source addresses accepted; empty means any source
     * @param destination the only local destination address accepted, or null for any of the host's addresses
     * @param protocol "tcp", or "vrrp" (then without ports)
     * @param ports destination ports (tcp), ascending
     */
    public record Allow(String why, List<Ipv4> sources, Ipv4 destination, String protocol, List<Integer> ports) {
        public Allow {
            requireNonNull(why, "why is null");
            sources = List.copyOf(sources);
            requireNonNull(protocol, "protocol is null");
            ports = List.copyOf(new TreeSet<>(ports));
        }

        /** True when this rule lets {@code source} reach {@code port} over TCP at {@code target}. */
        public boolean admitsTcp(Ipv4 source, Ipv4 target, int port) {
            return protocol.equals("tcp") && (sources.isEmpty() || sources.contains(source))
                    && (destination == null || destination.equals(target)) && ports.contains(port);
        }
    }

    /** The flows the host accepts, in the order of the rules in its file. */
    public static List<Allow> rules(Topology t, Host host) {
        List<Allow> rules = new ArrayList<>();
        Ipv4 gateway = t.gateway();
        if (t.onServers()) {
            // the control machine's address as a server sees it is not in the topology (NAT, a bastion): a guess
            // that is wrong would lock the operator out for good, so SSH is open to every source
            rules.add(new Allow("SSH (scaleup's Ansible, the operator) from any address", List.of(), null, "tcp",
                    List.of(t.servers().named(host.name()).orElseThrow().ssh().port())));
        }
        switch (host.role()) {
            case LB -> {
                rules.add(new Allow("clients to the VIP (HTTP, HTTPS)", List.of(), t.network().vip(), "tcp",
                        List.of(t.lb().port(), t.lb().edge().httpsPort())));
                rules.add(new Allow("VRRP from the other load balancer", others(t.hosts(Role.LB), host), null, "vrrp",
                        List.of()));
                rules.add(new Allow("the other load balancer's split-brain check: HAProxy alive",
                        others(t.hosts(Role.LB), host), host.address(), "tcp", List.of(HaproxyConfig.PEER_PORT)));
            }
            case WEB -> {
                rules.add(new Allow("load balancers: HAProxy and its health checks", addresses(t.hosts(Role.LB)), null,
                        "tcp", List.of(t.web().port())));
                rules.add(new Allow("control plane: nginx health", List.of(gateway), null, "tcp", List.of(t.web().port())));
            }
            case APP -> {
                rules.add(new Allow("web hosts: nginx to the app tier", addresses(t.hosts(Role.WEB)), null, "tcp",
                        List.of(t.app().port())));
                rules.add(new Allow("control plane: app readiness", List.of(gateway), null, "tcp", List.of(t.app().port())));
            }
            case DB -> {
                rules.add(new Allow(t.db().pooler() ? "app hosts: the application's connections (PgBouncer)"
                        : "app hosts: the application's connections", addresses(t.hosts(Role.APP)), null,
                        "tcp", List.of(t.db().appPort())));
                List<Ipv4> otherDbs = others(t.hosts(Role.DB), host);
                if (!otherDbs.isEmpty()) {
                    rules.add(new Allow("other db hosts: replication, pg_rewind, Patroni", otherDbs, null, "tcp",
                            List.of(t.db().port(), PatroniConfig.REST_PORT)));
                }
                rules.add(new Allow("control plane: Patroni REST API", List.of(gateway), null, "tcp",
                        List.of(PatroniConfig.REST_PORT)));
                if (t.backup().enabled()) {
                    rules.add(new Allow("the backup host: pgBackRest backups", addresses(t.hosts(Role.BACKUP)), null,
                            "tcp", List.of(Backup.TLS_PORT)));
                }
            }
            case BACKUP -> rules.add(new Allow("db hosts: WAL archive (pgBackRest)", addresses(t.hosts(Role.DB)), null,
                    "tcp", List.of(Backup.TLS_PORT)));
            case MON -> rules.add(new Allow("control plane: Prometheus and Alertmanager (status, drills, dashboard)",
                    List.of(gateway), null, "tcp", List.of(Monitoring.PROMETHEUS_PORT, Monitoring.ALERTMANAGER_PORT)));
        }
        List<Integer> scraped = scrapedPorts(t, host);
        if (!scraped.isEmpty()) {
            // on the host's own address only: a load balancer holding the VIP must not answer mon1 there
            rules.add(new Allow("the monitoring host: Prometheus scrapes", addresses(t.hosts(Role.MON)),
                    host.address(), "tcp", scraped));
        }
        List<Host> members = Etcd.members(t);
        if (members.contains(host)) {
            List<Ipv4> clients = others(t.hosts(Role.DB), host);
            if (!clients.isEmpty()) {
                rules.add(new Allow("db hosts: Patroni's etcd client", clients, null, "tcp", List.of(Etcd.CLIENT_PORT)));
            }
            List<Ipv4> peers = others(members, host);
            if (!peers.isEmpty()) {
                // the members are db hosts, so the rule above already lets them in as clients
                rules.add(new Allow("other etcd members: peer", peers, null, "tcp", List.of(Etcd.PEER_PORT)));
            }
            rules.add(new Allow("control plane: etcd health", List.of(gateway), null, "tcp", List.of(Etcd.CLIENT_PORT)));
        }
        return List.copyOf(rules);
    }

    /** The ports Prometheus scrapes on the host (none without monitoring, and none on the monitoring host itself). */
    static List<Integer> scrapedPorts(Topology t, Host host) {
        if (!t.monitoring().enabled() || host.role() == Role.MON) {
            return List.of();
        }
        List<Integer> ports = new ArrayList<>();
        for (PrometheusConfig.Job job : PrometheusConfig.jobs(t)) {
            if (job.hosts().contains(host)) {
                ports.add(job.port());
            }
        }
        return ports;
    }

    /** True when the rules of {@code target}'s host let {@code source} open a TCP connection to {@code address:port}. */
    public static boolean admitsTcp(Topology t, Host target, Ipv4 source, Ipv4 address, int port) {
        return rules(t, target).stream().anyMatch(r -> r.admitsTcp(source, address, port));
    }

    /** A digest of the host's rules: the table's comment, so a loaded table can be compared with the rendered one. */
    public static String version(Topology t, Host host) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((ruleLines(t, host) + forwardChain(t, host)).getBytes(StandardCharsets.UTF_8));
            return "scaleup " + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static RenderedFile render(Topology t, Host host, HostPaths paths) {
        String content = Text.banner(t, host) + """
                # Inbound firewall of %s (%s): everything not accepted below is dropped. Loaded inside the host's
                # namespace with `nft -f`; the first two lines make loading it again replace the table atomically.
                table inet %s
                delete table inet %s
                table inet %s {
                    comment "%s"

                    chain input {
                        type filter hook input priority filter; policy drop;
                        ct state established,related accept
                        ct state invalid drop
                        iif "lo" accept
                %s    }
                %s}
                """.formatted(host.name(), host.address(), TABLE, TABLE, TABLE, version(t, host), indent(ruleLines(t, host)),
                forwardChain(t, host));
        return new RenderedFile(FILE, content, RenderedFile.PUBLIC);
    }

    /**
     * A load balancer forwards nothing, but it answers for the VIP it just gave up: a client whose ARP entry still
     * names this host (the moments between keepalived removing the address here and the other load balancer's
     * gratuitous ARP) gets a TCP reset at once and connects again, instead of a SYN lost without trace and the
     * client's 1 s SYN retransmission or connect timeout. Measured with the haproxy-crash drill: the longest gap
     * the clients saw went from 1.14 s to 0.20 s. The host runs with ip_forward on and send_redirects off
     * ({@link #lbSysctls}), so that such a packet reaches this chain; the policy drops everything else.
     */
    private static String forwardChain(Topology t, Host host) {
        if (host.role() != Role.LB) {
            return "";
        }
        return """

                    chain forward {
                        type filter hook forward priority filter; policy drop;
                        ip daddr %s tcp dport %s reject with tcp reset
                    }
                """.formatted(t.network().vip(), set(List.of(t.lb().port(), t.lb().edge().httpsPort())));
    }

    /**
     * The kernel settings a load balancer needs besides nonlocal_bind: forwarding on, so that a packet for the VIP
     * this host no longer holds reaches {@link #forwardChain}'s reset, and no ICMP redirects (the kernel would send
     * one before the forward hook). The lb role of the Ansible project sets the same.
     *
     * @param iface the host's interface
     * @return sysctl key and value, in the order to set them
     */
    public static java.util.SequencedMap<String, String> lbSysctls(String iface) {
        java.util.LinkedHashMap<String, String> settings = new java.util.LinkedHashMap<>();
        settings.put("net.ipv4.conf.all.send_redirects", "0");
        settings.put("net.ipv4.conf.default.send_redirects", "0");
        settings.put("net.ipv4.conf." + iface + ".send_redirects", "0");
        settings.put("net.ipv4.ip_forward", "1");
        return settings;
    }

    /** The table in the machine's own (root) namespace that guards the hosts from local users: one per deployment. */
    public static String gatewayTable(Topology t) {
        return TABLE + "_" + t.name();
    }

    /**
     * {@code gateway.nft}: loaded in the machine's own namespace, where the control plane and every local user live
     * and reach the hosts through the bridge (the gateway address). The hosts let the gateway in on their control
     * ports (nginx and app health, Patroni's REST API, etcd); this table lets only root's sockets use that: a local
     * user other than root reaches the VIP, as any client does, and no other address of the deployment's subnet.
     * Packets without a socket (the kernel's own answers) are not matched. Loading it again replaces it atomically.
     */
    public static String gateway(Topology t) {
        String table = gatewayTable(t);
        String rule = "ip daddr %s ip daddr != %s meta skuid != 0 counter reject comment \"%s\"".formatted(t.network().subnet(),
                t.network().vip(), "only root reaches the hosts; everyone reaches the VIP");
        return """
                # generated by scaleup for the machine side of deployment %s; do not edit
                # Outbound from the machine's own namespace to the deployment's subnet %s: only root's processes
                # (the control plane) reach the hosts' control ports; every local user reaches the VIP %s.
                table inet %s
                delete table inet %s
                table inet %s {
                    comment "%s"

                    chain output {
                        type filter hook output priority filter; policy accept;
                        %s
                    }
                }
                """.formatted(t.name(), t.network().subnet(), t.network().vip(), table, table, table, gatewayVersion(t), rule);
    }

    /** A digest of the gateway rules, the table's comment. */
    public static String gatewayVersion(Topology t) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(("gateway " + t.name() + " " + t.network().subnet() + " "
                    + t.network().vip()).getBytes(StandardCharsets.UTF_8));
            return "scaleup gateway " + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String ruleLines(Topology t, Host host) {
        StringBuilder out = new StringBuilder();
        for (Allow rule : rules(t, host)) {
            StringBuilder line = new StringBuilder();
            if (!rule.sources().isEmpty()) {
                line.append("ip saddr ").append(set(rule.sources())).append(' ');
            }
            if (rule.destination() != null) {
                line.append("ip daddr ").append(rule.destination()).append(' ');
            }
            if (rule.protocol().equals("tcp")) {
                line.append("tcp dport ").append(set(rule.ports()));
            } else if (rule.protocol().equals("vrrp")) {
                line.append("ip protocol ").append(VRRP);
            } else {
                throw new IllegalArgumentException("unsupported protocol " + rule.protocol());
            }
            line.append(" accept comment \"").append(rule.why().replace("\"", "'")).append("\"\n");
            out.append(line);
        }
        return out.toString();
    }

    private static String indent(String lines) {
        return lines.lines().map(l -> "        " + l + "\n").collect(Collectors.joining());
    }

    private static String set(List<?> items) {
        return items.size() == 1 ? items.get(0).toString()
                : items.stream().map(Object::toString).collect(Collectors.joining(", ", "{ ", " }"));
    }

    private static List<Ipv4> addresses(List<Host> hosts) {
        return hosts.stream().map(Host::address).toList();
    }

    private static List<Ipv4> others(List<Host> hosts, Host self) {
        return hosts.stream().filter(h -> !h.equals(self)).map(Host::address).toList();
    }
}
