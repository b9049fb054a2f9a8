package dev.scaleup.ansible;

import dev.scaleup.render.Etcd;
import dev.scaleup.render.Exporters;
import dev.scaleup.render.VipCheck;
import dev.scaleup.runtime.HostsTarget;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Server;
import dev.scaleup.topology.Ssh;
import dev.scaleup.topology.Topology;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code inventory.yml}: the hosts in use (spares listed in the topology file are left out until a scale uses them)
 * in one group per tier, each with how to reach it, plus {@code db_primary} (the initial primary, started first) and
 * {@code etcd} (the members). Each tier's group carries the Debian packages its hosts need.
 */
final class Inventory {

    /** Debian 12 packages per tier; the role's apt task installs them (and nftables everywhere). */
    static final Map<Role, List<String>> PACKAGES = Map.of(
            Role.LB, List.of("haproxy", "keepalived", "iputils-arping", "curl"),
            Role.WEB, List.of("nginx"),
            // psql: secrets rotate checks the new database login from an app host, as the app will use it
            Role.APP, List.of("postgresql-client-15"),
            // curl: a new primary wakes the other members' Patroni (on-role-change.sh)
            Role.DB, List.of("postgresql-15", "patroni", "python3-etcd", "curl"),
            Role.BACKUP, List.of("pgbackrest"),
            Role.MON, List.of("prometheus", "prometheus-alertmanager"));
    static final List<String> ETCD_PACKAGES = List.of("etcd-server");
    /** With db.pooler, on every db host. */
    static final String POOLER_PACKAGE = "pgbouncer";

    /** An exporter's unit, which is also its package's name (prometheus-node-exporter, ...). */
    private static final java.util.function.Function<String, String> EXPORTER_UNIT =
            p -> HostsTarget.unit(p).orElseThrow();

    private Inventory() {}

    static String render(Topology t) {
        StringBuilder out = new StringBuilder(Yaml.banner(t.name()));
        out.append("all:\n  children:\n");
        for (Role role : List.of(Role.LB, Role.WEB, Role.APP, Role.DB, Role.BACKUP, Role.MON)) {
            if (t.hosts(role).isEmpty()) {
                continue;
            }
            out.append("    ").append(role.prefix()).append(":\n      hosts:\n");
            for (Host host : t.hosts(role)) {
                out.append(hostVars(t, host));
            }
            List<String> packages = new java.util.ArrayList<>(PACKAGES.get(role));
            if (role == Role.DB && t.backup().enabled()) {
                packages.addAll(PACKAGES.get(Role.BACKUP)); // archive-push and the TLS server: the backup host's
            }
            if (role == Role.DB && t.db().pooler()) {
                packages.add(POOLER_PACKAGE);
            }
            if (!t.hosts(role).isEmpty()) {
                // the exporters are the same on every host of a tier
                Exporters.processes(t, t.hosts(role).get(0)).forEach(p -> packages.add(EXPORTER_UNIT.apply(p)));
            }
            out.append("      vars:\n        scaleup_role_packages: ").append(list(packages)).append('\n');
        }
        out.append("    # the initial primary: Patroni starts there first and bootstraps the database\n");
        out.append("    db_primary:\n      hosts:\n        ").append(t.initialPrimary().name()).append(":\n");
        out.append("    # etcd members (Patroni's leader key)\n    etcd:\n      hosts:\n");
        for (Host member : Etcd.members(t)) {
            out.append("        ").append(member.name()).append(":\n");
        }
        out.append("      vars:\n        scaleup_etcd_packages: ").append(list(ETCD_PACKAGES)).append('\n');
        return out.toString();
    }

    private static String hostVars(Topology t, Host host) {
        Server server = t.servers().named(host.name()).orElseThrow();
        String vars = """
                        %s:
                          ansible_host: %s
                          ansible_port: %d
                          ansible_user: %s
                          ansible_ssh_private_key_file: %s
                          ansible_become: %s
                          ansible_ssh_common_args: %s
                """.formatted(host.name(), Yaml.quote(host.address()), server.ssh().port(), Yaml.quote(server.ssh().user()),
                Yaml.quote(server.ssh().key()), server.ssh().sudo(), Yaml.quote(hostKeys(server.ssh())));
        List<String> exporters = Exporters.processes(t, host);
        if (!exporters.isEmpty()) {
            vars += "          # the units of Debian's exporters this host runs, scraped by mon1\n"
                    + "          scaleup_exporters: " + list(exporters.stream().map(EXPORTER_UNIT).toList()) + "\n";
        }
        if (host.role() == Role.LB && VipCheck.yields(t, host)) {
            vars += "          # this load balancer gives way in a split brain: it runs vip-check.sh\n"
                    + "          scaleup_vip_check: true\n";
        }
        return vars;
    }

    /**
     * Where ssh checks the host's key: the file's ssh.known_hosts, strictly (a lab lists every key there), else
     * known_hosts beside ansible.cfg, learned at the first connection (scaleup's own SSH uses the same file).
     */
    private static String hostKeys(Ssh ssh) {
        return ssh.knownHosts() != null
                ? "-o StrictHostKeyChecking=yes -o UserKnownHostsFile=" + ssh.knownHosts()
                : "-o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=known_hosts";
    }

    private static String list(List<String> items) {
        return items.stream().map(Yaml::quote).collect(Collectors.joining(", ", "[", "]"));
    }
}
