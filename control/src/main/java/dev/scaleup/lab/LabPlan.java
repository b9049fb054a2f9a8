package dev.scaleup.lab;

import static java.util.Objects.requireNonNull;

import dev.scaleup.ops.RefusedException;
import dev.scaleup.topology.Ipv4;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Subnet;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What {@code scaleup hosts up -n N} makes: a name, a subnet and N hosts spread over the roles like the default
 * topology, at the netns target's address plan (lb .11.., web .21.., app .41.., db .81..) so a lab's hosts file looks
 * like the netns one. Pure: refusals are decided here, before anything is made.
 */
public record LabPlan(String name, Subnet subnet, List<LabHost> hosts) {

    /** The smallest deployable spread: 2 lb + 1 web + 1 app + 2 db (a primary and one replica). */
    public static final int MIN_HOSTS = 6;
    /** Each host is a booted Debian (about 40 MB of memory each); 30 is well past the default topology's 10. */
    public static final int MAX_HOSTS = 30;
    /**
     * The lab's name prefixes kernel interface names (15 characters at most): the bridge NAME-hbr and the veth
     * systemd-nspawn makes for each host, vb-NAME-HOST; with hosts up to "web12" that leaves 6 characters.
     */
    public static final int MAX_NAME = 6;
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*");
    /** Where throwaway hosts may live: the benchmarking range the project keeps to (RFC 2544). */
    public static final Subnet ALLOWED = Subnet.parse("198.18.0.0/15");
    /** The hosts beyond the smallest spread, in order: a third db (two replicas), then web and app in turn. */
    private static final List<Role> BASE = List.of(Role.LB, Role.LB, Role.WEB, Role.APP, Role.DB, Role.DB);
    private static final List<Role> NEXT = List.of(Role.DB, Role.WEB, Role.APP, Role.APP);

    public LabPlan {
        requireNonNull(name, "name is null");
        requireNonNull(subnet, "subnet is null");
        hosts = List.copyOf(requireNonNull(hosts, "hosts is null"));
    }

    /** The plan for N hosts; refused (nothing made) when N, the name or the subnet cannot work. */
    public static LabPlan of(String name, Subnet subnet, int count) {
        return of(name, subnet, count, false, false);
    }

    public static LabPlan of(String name, Subnet subnet, int count, boolean backup) {
        return of(name, subnet, count, backup, false);
    }

    /**
     * The plan for N hosts of the stack, with {@code backup} one more, backup1, for the pgBackRest repository, and with
     * {@code monitoring} one more, mon1, for Prometheus and Alertmanager (neither counted in N); refused (nothing
     * made) when N, the name or the subnet cannot work.
     */
    public static LabPlan of(String name, Subnet subnet, int count, boolean backup, boolean monitoring) {
        checkName(name);
        if (!ALLOWED.contains(subnet)) {
            throw new RefusedException("subnet " + subnet + " is outside " + ALLOWED
                    + ": throwaway hosts use only the benchmarking range this project keeps to");
        }
        if (subnet.prefix() > 24) {
            throw new RefusedException("subnet " + subnet + " is too small: the address plan needs a /24 or larger"
                    + " (hosts at .11-.99, the VIP at .100)");
        }
        if (count < MIN_HOSTS) {
            throw new RefusedException("-n " + count + " is too few: a deployment needs at least " + MIN_HOSTS
                    + " hosts (2 lb + 1 web + 1 app + 2 db)");
        }
        if (count > MAX_HOSTS) {
            throw new RefusedException("-n " + count + " is too many: at most " + MAX_HOSTS + " throwaway hosts");
        }
        List<Role> roles = new ArrayList<>(roles(count));
        if (backup) {
            roles.add(Role.BACKUP);
        }
        if (monitoring) {
            roles.add(Role.MON);
        }
        return new LabPlan(name, subnet, spread(subnet, roles));
    }

    static void checkName(String name) {
        if (name.length() > MAX_NAME || !NAME.matcher(name).matches()) {
            throw new RefusedException("lab name '" + name + "' must be 1-" + MAX_NAME + " characters, a lowercase"
                    + " letter then lowercase letters or digits: it prefixes interface names, which Linux limits to 15");
        }
    }

    /** The role of each of N hosts, in the order they are added. */
    static List<Role> roles(int count) {
        List<Role> roles = new ArrayList<>(BASE);
        for (int i = 0; roles.size() < count; i++) {
            roles.add(i < NEXT.size() ? NEXT.get(i) : (i - NEXT.size()) % 2 == 0 ? Role.WEB : Role.APP);
        }
        return roles.subList(0, count);
    }

    /** Hosts numbered from 1 per role, in role order (lb, web, app, db, backup, mon), at the role's block of the subnet. */
    public static List<LabHost> spread(Subnet subnet, List<Role> roles) {
        Map<Role, Integer> counts = new EnumMap<>(Role.class);
        roles.forEach(role -> counts.merge(role, 1, Integer::sum));
        List<LabHost> hosts = new ArrayList<>();
        counts.forEach((role, n) -> {
            for (int i = 1; i <= n; i++) {
                hosts.add(new LabHost(role.hostName(i), role, subnet.at(role.firstOffset() + i)));
            }
        });
        return hosts;
    }

    /** The bridge's address: every host's gateway, and the control machine's address on the lab. */
    public Ipv4 gateway() {
        return subnet.at(1);
    }

    /** The VIP the hosts file offers the deployment (the netns target's default offset). */
    public Ipv4 vip() {
        return subnet.at(100);
    }

    public String bridge() {
        return name + "-hbr";
    }

    /**
     * The container's machine name (its hostname is the host's own name); backup1's is NAME-bk1, which keeps the
     * veth systemd-nspawn names after it (vb-NAME-bk1) within 15 characters.
     */
    public String machine(LabHost host) {
        return name + "-" + host.name().replace(Role.BACKUP.prefix(), "bk");
    }

    public LabHost host(String hostName) {
        return hosts.stream().filter(h -> h.name().equals(hostName)).findFirst()
                .orElseThrow(() -> new RefusedException("lab " + name + " has no host " + hostName));
    }
}
