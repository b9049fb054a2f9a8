package dev.scaleup.topology;

import static dev.scaleup.topology.ValueReader.describe;
import static dev.scaleup.topology.ValueReader.quote;
import static java.util.Objects.requireNonNull;

import dev.scaleup.topology.TopologyKey.Section;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.Locale;

/**
 * The keys of the hosts target ({@code target}, {@code network.interface}, {@code ssh}, {@code hosts}) and their
 * checks: every server listed once with an address of its own in the subnet, the counts within what is listed and
 * numbered without gaps. On the netns target the same keys are refused, so a file never says more than is used.
 */
final class ServersBinder {

    private static final Pattern HOST_NAME = Pattern.compile("(lb|web|app|db|backup|mon)([1-9][0-9]{0,2})");
    private static final List<String> TARGETS = List.of("netns", "hosts");

    private final Problems problems;
    private final ValueReader values;

    ServersBinder(Problems problems, ValueReader values) {
        this.problems = requireNonNull(problems, "problems is null");
        this.values = requireNonNull(values, "values is null");
    }

    /** The {@code target:} key: true for hosts; netns (false) when absent or invalid (then with a problem). */
    boolean onServers(Block top) {
        if (top.get(TopologyKey.TARGET) == null) {
            return false;
        }
        String text = values.string(top, TopologyKey.TARGET);
        if (text != null && !TARGETS.contains(text)) {
            values.add(top.get(TopologyKey.TARGET), "'target' must be netns (network namespaces on this machine) or"
                    + " hosts (servers listed under 'hosts', over SSH), got %s", quote(text));
        }
        return "hosts".equals(text);
    }

    /** On the netns target: the hosts target's keys are refused, each with where it belongs. */
    void refuse(Block top, Block network) {
        refuse(top.get(Section.SSH.path()), "ssh", top);
        refuse(top.get(Section.HOST.path()), "hosts", top);
        refuse(network.get(TopologyKey.NETWORK_INTERFACE), "network.interface", top);
    }

    private void refuse(YamlNode.Entry entry, String key, Block top) {
        if (entry != null) {
            problems.add(entry.line(), "'" + key + "' is only for 'target: hosts' (servers reached over SSH); this file's"
                    + " target is netns" + (top.get(TopologyKey.TARGET) == null ? " (the default)" : "") + ", where every"
                    + " host is a network namespace on this machine: remove '" + key + "' or set 'target: hosts'");
        }
    }

    /** On the hosts target: the listed servers, or null when something is wrong (then with problems). */
    Servers bind(Block top, Block network, Block ssh, Subnet subnet, Ipv4 vip) {
        String netInterface = netInterface(network, top);
        Ssh defaults = ssh(ssh, top);
        List<Server> listed = servers(top, subnet, vip, defaults);
        return netInterface == null || defaults == null || listed == null ? null : new Servers(netInterface, listed);
    }

    /**
     * A tier's count: as the file says, else the number of its hosts listed (at most {@code max}). Reported when
     * higher than the hosts listed, or when the hosts in use are not numbered 1..count.
     */
    int count(Block section, TopologyKey key, Role role, int given, int min, int max, int extra, Servers servers,
              Block top) {
        if (section.given(key) && !(section.get(key).value() instanceof YamlNode.Scalar s
                && s.kind() == YamlNode.Kind.INTEGER && s.text().strip().equals(Integer.toString(given)))) {
            return given; // the value itself was refused (and reported): nothing to compare with the hosts
        }
        List<Integer> numbers = servers.of(role).stream().map(Server::index).toList();
        int count = section.given(key) ? given : Math.min(max, Math.max(numbers.size() - extra, 0));
        int needed = count + extra;
        String listedText = numbers.isEmpty() ? "none" : numbers.stream().map(role::hostName).collect(Collectors.joining(", "));
        YamlNode.Entry hosts = top.get(Section.HOST.path());
        if (section.given(key) && needed > numbers.size()) {
            values.add(section.get(key), "'%s' is %d, which needs %d %s hosts, but 'hosts' lists %d (%s): list %s under"
                    + " 'hosts' or lower the count", section.path(key), given, needed, role.prefix(), numbers.size(),
                    listedText, missing(role, numbers, needed));
            return count;
        }
        if (!section.given(key) && needed < min + extra) {
            problems.add(hosts == null ? 0 : hosts.line(), "'hosts' lists %d %s hosts (%s): scaleup needs at least %d (%s)"
                    .formatted(numbers.size(), role.prefix(), listedText, min + extra, range(role, min + extra)));
            return count;
        }
        for (int i = 1; i <= needed; i++) {
            if (!numbers.contains(i)) {
                problems.add(hosts == null ? 0 : hosts.line(), "'hosts' has no %s: the %s hosts in use are %s (%s %d),"
                        .formatted(role.hostName(i), role.prefix(), range(role, needed), section.path(key), count)
                        + " numbered from 1 without gaps; listed: " + listedText);
                break;
            }
        }
        return count;
    }

    /**
     * With {@code backup.enabled} the pgBackRest repository needs its own server, backup1, listed under 'hosts';
     * more than one backup host is never used.
     */
    void backupHost(Block section, boolean enabled, Servers servers, Block top) {
        singleHost(Role.BACKUP, section, TopologyKey.BACKUP_ENABLED, enabled, "the backup repository", "backup",
                servers, top);
    }

    /**
     * With {@code monitoring.enabled} Prometheus and Alertmanager need their own server, mon1, listed under 'hosts';
     * more than one monitoring host is never used.
     */
    void monitoringHost(Block section, boolean enabled, Servers servers, Block top) {
        singleHost(Role.MON, section, TopologyKey.MONITORING_ENABLED, enabled, "Prometheus and Alertmanager",
                "monitoring", servers, top);
    }

    /** A role of one host, number 1, which its section's {@code enabled} key turns on. */
    private void singleHost(Role role, Block section, TopologyKey key, boolean enabled, String purpose, String noun,
                            Servers servers, Block top) {
        List<Integer> numbers = servers.of(role).stream().map(Server::index).toList();
        YamlNode.Entry hosts = top.get(Section.HOST.path());
        String first = role.hostName(1);
        if (enabled && !numbers.contains(1)) {
            YamlNode.Entry entry = section.get(key);
            String path = section.path(key);
            problems.add(entry != null ? entry.line() : hosts == null ? 0 : hosts.line(), "'" + path + "' is true,"
                    + " which needs a server for " + purpose + ", but 'hosts' lists no " + first + ": list " + first
                    + " under 'hosts' or set '" + path + ": false'");
        }
        numbers.stream().filter(i -> i > role.capacity()).findFirst().ifPresent(i -> problems.add(
                hosts == null ? 0 : hosts.line(), "'hosts' lists " + role.hostName(i) + ": a deployment has one " + noun
                        + " host, " + first));
    }

    private String netInterface(Block network, Block top) {
        if (network.get(TopologyKey.NETWORK_INTERFACE) == null) {
            problems.add(top.get(TopologyKey.TARGET).line(), "'network.interface' is missing: with 'target: hosts' name"
                    + " the interface the servers talk on and the load balancers hold the VIP on (eth0, ens3; host0 in a"
                    + " systemd-nspawn container)");
            return null;
        }
        return values.text(network, TopologyKey.NETWORK_INTERFACE);
    }

    private Ssh ssh(Block ssh, Block top) {
        String user = values.text(ssh, TopologyKey.SSH_USER);
        int port = values.integer(ssh, TopologyKey.SSH_PORT);
        boolean sudo = values.bool(ssh, TopologyKey.SSH_SUDO);
        if (!ssh.given(TopologyKey.SSH_KEY)) {
            YamlNode.Entry at = top.get(Section.SSH.path());
            problems.add(at == null ? top.get(TopologyKey.TARGET).line() : at.line(), "'ssh.key' is missing: with"
                    + " 'target: hosts' scaleup logs in to every server with a private key (a file, relative to this"
                    + " file or absolute)");
            return null;
        }
        Path key = values.file(ssh, TopologyKey.SSH_KEY);
        Path knownHosts = ssh.given(TopologyKey.SSH_KNOWN_HOSTS) ? values.file(ssh, TopologyKey.SSH_KNOWN_HOSTS) : null;
        return user == null || key == null ? null : new Ssh(user, port, key, sudo, knownHosts);
    }

    private List<Server> servers(Block top, Subnet subnet, Ipv4 vip, Ssh defaults) {
        YamlNode.Entry hosts = top.get(Section.HOST.path());
        if (hosts == null || !(hosts.value() instanceof YamlNode.Mapping mapping) || mapping.entries().isEmpty()) {
            problems.add(hosts == null ? top.get(TopologyKey.TARGET).line() : hosts.line(), "'hosts' must list every"
                    + " server scaleup may use, with 'target: hosts': a mapping of host names (lb1, lb2, web1, app1,"
                    + " db1, ...) to each one's address, got " + (hosts == null ? "nothing" : describe(hosts.value())));
            return null;
        }
        List<Server> servers = new ArrayList<>();
        Map<Ipv4, String> owners = new HashMap<>();
        int before = problems.size();
        for (YamlNode.Entry entry : mapping.entries()) {
            Server server = server(entry, subnet, vip, defaults, owners);
            if (server != null) {
                servers.add(server);
            }
        }
        return problems.size() == before ? servers : null;
    }

    /** One host's entry; null when anything about it is wrong (then with a problem). */
    private Server server(YamlNode.Entry entry, Subnet subnet, Ipv4 vip, Ssh defaults, Map<Ipv4, String> owners) {
        Matcher name = HOST_NAME.matcher(entry.key());
        if (!name.matches()) {
            problems.add(entry.line(), "'hosts." + entry.key() + "' is not a host name scaleup knows: write a role"
                    + " (lb, web, app, db, backup, mon) and a number from 1, as in lb1, web2, app3, db1, backup1, mon1");
            return null;
        }
        if (!(entry.value() instanceof YamlNode.Mapping mapping)) {
            problems.add(entry.line(), "'hosts." + entry.key() + "' must be a mapping with keys "
                    + String.join(", ", Section.HOST.allowed()) + ", got " + describe(entry.value()));
            return null;
        }
        Block host = new Block(Section.HOST, "hosts." + entry.key(), mapping.entries(), problems);
        Ipv4 address = address(host, entry, subnet, vip, owners);
        Ssh ssh = defaults == null ? null : new Ssh(
                host.given(TopologyKey.HOST_SSH_USER) ? values.text(host, TopologyKey.HOST_SSH_USER) : defaults.user(),
                host.given(TopologyKey.HOST_SSH_PORT) ? values.integer(host, TopologyKey.HOST_SSH_PORT) : defaults.port(),
                host.given(TopologyKey.HOST_SSH_KEY) ? values.file(host, TopologyKey.HOST_SSH_KEY) : defaults.key(),
                host.given(TopologyKey.HOST_SUDO) ? values.bool(host, TopologyKey.HOST_SUDO) : defaults.sudo(),
                defaults.knownHosts());
        if (address == null || ssh == null || ssh.user() == null || ssh.key() == null) {
            return null;
        }
        Role role = Role.valueOf(name.group(1).toUpperCase(Locale.ROOT));
        return new Server(entry.key(), role, Integer.parseInt(name.group(2)), address, ssh);
    }

    /** {@code owners}: the addresses of the hosts before this one, to their names. */
    private Ipv4 address(Block host, YamlNode.Entry entry, Subnet subnet, Ipv4 vip, Map<Ipv4, String> owners) {
        String path = host.path(TopologyKey.HOST_ADDRESS);
        if (!host.given(TopologyKey.HOST_ADDRESS)) {
            problems.add(entry.line(), "'" + path + "' is missing: every listed host needs its address"
                    + (subnet == null ? "" : " in network.subnet " + subnet));
            return null;
        }
        Ipv4 address = values.ipv4(host, TopologyKey.HOST_ADDRESS, "198.18.0.21");
        if (address == null) {
            return null;
        }
        String text = values.string(host, TopologyKey.HOST_ADDRESS); // as written, for the messages below
        if (subnet != null && !subnet.contains(address)) {
            values.add(host.get(TopologyKey.HOST_ADDRESS), "'%s' must be inside network.subnet %s, got %s", path,
                    subnet, quote(text));
            return null;
        }
        if (address.equals(vip)) {
            values.add(host.get(TopologyKey.HOST_ADDRESS), "'%s' must not be the VIP %s (keepalived moves it between"
                    + " the load balancers): give the host an address of its own", path, vip);
            return null;
        }
        String owner = owners.putIfAbsent(address, entry.key());
        if (owner != null) {
            values.add(host.get(TopologyKey.HOST_ADDRESS), "'%s' %s is already %s's: every host needs an address of"
                    + " its own", path, address, owner);
            return null;
        }
        return address;
    }

    /** The host names from 1 to n, the way messages list them: web1..web3. */
    private static String range(Role role, int n) {
        return n == 1 ? role.hostName(1) : n == 2 ? role.hostName(1) + ", " + role.hostName(2)
                : role.hostName(1) + ".." + role.hostName(n);
    }

    /** The first of 1..needed that is not listed, and the rest up to needed: what the file must add. */
    private static String missing(Role role, List<Integer> numbers, int needed) {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= needed; i++) {
            if (!numbers.contains(i)) {
                names.add(role.hostName(i));
            }
        }
        return String.join(", ", names);
    }
}
