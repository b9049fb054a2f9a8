package dev.scaleup.runtime;

import static java.util.Objects.requireNonNull;

import dev.scaleup.render.FirewallConfig;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Creates and removes the kernel side of a deployment: one bridge in the root namespace (holding the gateway address),
 * and per host a network namespace joined to it by a veth pair. Every operation is idempotent.
 */
public final class HostNetwork {

    private final Topology topology;
    private final Names names;

    public HostNetwork(Topology topology) {
        this.topology = requireNonNull(topology, "topology is null");
        this.names = new Names(topology.name());
    }

    public Names names() {
        return names;
    }

    public boolean bridgeExists() {
        return Files.exists(Path.of("/sys/class/net", names.bridge()));
    }

    private static String macOf(String device) {
        try {
            return Files.readString(Path.of("/sys/class/net", device, "address")).strip();
        } catch (java.io.IOException e) {
            return "";
        }
    }

    public static boolean namespaceExists(String namespace) {
        return Files.exists(Path.of("/run/netns", namespace));
    }

    /** Creates the bridge if missing; returns true when it created it. */
    public boolean ensureBridge() {
        boolean created = false;
        String mac = NetCommands.macFor(topology.gateway());
        if (!bridgeExists()) {
            Exec.run(NetCommands.addBridge(names.bridge(), topology.gateway())).orThrow();
            created = true;
        } else if (!mac.equals(macOf(names.bridge()))) {
            Exec.run(NetCommands.setMac(names.bridge(), mac)).orThrow(); // a bridge made before it had its own MAC
        }
        Exec.run(NetCommands.addAddress(names.bridge(), topology.gateway() + "/" + topology.network().subnet().prefix())).orThrow();
        Exec.run(NetCommands.linkUp(names.bridge())).orThrow();
        return created;
    }

    /** Creates the host's namespace, veth, address and route if missing; returns true when it created the namespace. */
    public boolean ensureHost(Host host) {
        String ns = names.namespace(host);
        boolean created = false;
        if (!namespaceExists(ns)) {
            Exec.run(NetCommands.addNamespace(ns)).orThrow();
            created = true;
        }
        boolean vethHere = Files.exists(Path.of("/sys/class/net", names.veth(host)));
        if (vethHere && created) {
            // a namespace made just now has no eth0, so this veth is an earlier namespace's (removed moments ago: the
            // kernel tears that namespace down, and the veth with it, asynchronously). Make a new pair.
            removeVeth(names.veth(host));
            vethHere = false;
        }
        if (!vethHere) {
            Exec.run(NetCommands.addVeth(names.veth(host), ns, host.address())).orThrow();
        }
        Exec.run(NetCommands.attachToBridge(names.veth(host), names.bridge())).orThrow();
        inside(ns, NetCommands.linkUp("lo"));
        inside(ns, NetCommands.addAddress("eth0", host.address() + "/" + topology.network().subnet().prefix()));
        inside(ns, NetCommands.linkUp("eth0"));
        inside(ns, NetCommands.defaultRoute(topology.gateway().toString()));
        if (host.role() == Role.LB) {
            // the backup load balancer's HAProxy binds the VIP before keepalived gives it the address
            inside(ns, NetCommands.sysctl("net.ipv4.ip_nonlocal_bind", "1"));
            // the VIP this host gave up is answered with a reset by firewall.nft's forward chain
            FirewallConfig.lbSysctls(Topology.NETNS_INTERFACE).forEach((key, value) -> inside(ns, NetCommands.sysctl(key, value)));
        }
        writeNameFiles(ns);
        return created;
    }

    /** Where {@code ip netns exec} finds the files it mounts over /etc for the namespace's processes. */
    static Path nameFilesDir(String namespace) {
        return Path.of("/etc/netns", namespace);
    }

    /**
     * The namespace's own /etc/hosts (every host of the deployment by name) and /etc/resolv.conf (no resolver), which
     * {@code ip netns exec} mounts for every process started in it. Without them a process inside looked names and
     * addresses up through the machine's resolver, which the namespace cannot reach: Python's HTTPServer (Patroni's
     * REST API) asks for the name of its own address at start, and each Patroni start waited 10 s for the DNS
     * timeouts (5 s, twice), and the queries left for an address outside the deployment's subnet.
     */
    private void writeNameFiles(String namespace) {
        Path dir = nameFilesDir(namespace);
        writeIfChanged(dir.resolve("hosts"), etcHosts(topology));
        writeIfChanged(dir.resolve("resolv.conf"), RESOLV_CONF);
    }

    /** Every up calls ensureHost for every host: the files are written (and synced) only when they differ. */
    private static void writeIfChanged(Path file, String content) {
        try {
            if (Files.isRegularFile(file) && Files.readString(file).equals(content)) {
                return;
            }
        } catch (java.io.IOException e) {
            // unreadable: written anew
        }
        StateDir.writeAtomically(file, content);
    }

    static final String RESOLV_CONF = "# generated by scaleup: no resolver inside a deployment's namespace (names are in"
            + " hosts);\n# a lookup asks the namespace's own loopback, where nothing answers, and fails at once\n"
            + "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n";

    /** localhost, then every host of the deployment and the VIP, by address. */
    static String etcHosts(Topology topology) {
        StringBuilder text = new StringBuilder("# generated by scaleup for deployment " + topology.name()
                + "; `scaleup up` writes it again\n127.0.0.1\tlocalhost\n::1\tlocalhost\n");
        for (Host host : topology.hosts()) {
            text.append(host.address()).append('\t').append(host.name()).append('\n');
        }
        text.append(topology.network().vip()).append('\t').append("vip\n");
        return text.toString();
    }

    /**
     * Namespaces of this deployment that exist now, whatever the state directory says, and those whose name files
     * outlived them (an interrupted removal).
     */
    public List<String> existingNamespaces() {
        java.util.TreeSet<String> found = new java.util.TreeSet<>();
        for (Path dir : List.of(Path.of("/run/netns"), Path.of("/etc/netns"))) {
            String[] entries = dir.toFile().list();
            if (entries != null) {
                Arrays.stream(entries).filter(names::owns).forEach(found::add);
            }
        }
        return List.copyOf(found);
    }

    /**
     * Pids of every process in the namespace (they all belong to this deployment): what {@code ip netns pids} prints,
     * read from /proc without starting a program. A drill's fault is marked before the pids are read, so their reading
     * counts as failover time: with wrk through the VIP (2 threads, 32 connections), {@code ip netns pids} and the
     * {@code kill} program took 83.5 ms (median; p90 208 ms) and this reading 11.6 ms (p90 50 ms), 38 rounds each.
     */
    public static List<Long> pidsIn(String namespace) {
        return ProcFs.pidsInNetworkNamespace(Path.of("/proc"), Path.of("/run/netns", namespace));
    }

    /**
     * Removes the host's namespace and its veth pair, and returns once the veth is gone: deleting a namespace alone
     * leaves its veth to the kernel's asynchronous cleanup, which could remove the veth of a host made again at once.
     */
    public void removeHost(Host host) {
        removeVeth(names.veth(host));
        deleteNamespace(names.namespace(host));
    }

    /** Namespaces of this deployment that no host of the topology has (a host of an interrupted scale-out). */
    public List<String> strays() {
        List<String> hosts = topology.hosts().stream().map(names::namespace).toList();
        return existingNamespaces().stream().filter(ns -> !hosts.contains(ns)).toList();
    }

    /** Removes a stray namespace (see {@link #strays}) and its veth pair, which has the namespace's name. */
    public void removeStray(String namespace) {
        removeVeth(namespace);
        deleteNamespace(namespace);
    }

    private void removeVeth(String vethName) {
        Path veth = Path.of("/sys/class/net", vethName);
        if (Files.exists(veth)) {
            Exec.run(NetCommands.deleteLink(vethName)); // deleting one end deletes the pair
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (Files.exists(veth) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (Files.exists(veth)) {
            throw new IllegalStateException("the veth " + vethName + " is still there 10 s after its deletion");
        }
    }

    public static void deleteNamespace(String namespace) {
        if (namespaceExists(namespace)) {
            Exec.run(NetCommands.deleteNamespace(namespace)).orThrow();
        }
        // hosts, resolv.conf (and a .new left by a crash while writing one)
        StateDir.deleteTree(nameFilesDir(namespace));
    }

    /** Removes the bridge and any veth of this deployment left in the root namespace. */
    public void deleteBridgeAndVeths() {
        String[] links = Path.of("/sys/class/net").toFile().list();
        if (links != null) {
            for (String link : links) {
                if (link.startsWith(topology.name() + "-")) {
                    Exec.run(NetCommands.deleteLink(link));
                }
            }
        }
    }

    /** True when the address is configured on the host's eth0 (used to find the VIP holder). */
    public boolean hasAddress(Host host, String address) {
        Exec.Result result = Exec.run(NetCommands.addressesOf(names.namespace(host), "eth0"));
        return result.ok() && result.stdout().contains(" " + address + "/");
    }

    private static void inside(String namespace, List<String> command) {
        Exec.run(NetCommands.inNamespace(namespace, command)).orThrow();
    }
}
