package dev.scaleup.runtime;

import java.util.List;

/** Builds the iproute2 and sysctl argument lists that make hosts. Pure: runs nothing, tested by the exact command. */
public final class NetCommands {

    private NetCommands() {
    }

    /**
     * The bridge, with a MAC address of its own ({@link #macFor} of the gateway). Without one, Linux gives a bridge
     * the lowest MAC of its ports, so adding or removing a host (scale out, scale in) changed the gateway's MAC under
     * every host's ARP cache: their answers to the clients went to the old MAC and were lost until the cache expired
     * (a 2 s stall of every client in the scale-in drill).
     */
    public static List<String> addBridge(String bridge, dev.scaleup.topology.Ipv4 gateway) {
        return List.of("ip", "link", "add", "name", bridge, "address", macFor(gateway), "type", "bridge");
    }

    /** Sets a device's MAC address (a bridge made before it had its own: see {@link #addBridge}). */
    public static List<String> setMac(String device, String mac) {
        return List.of("ip", "link", "set", "dev", device, "address", mac);
    }

    public static List<String> addAddress(String device, String cidr) {
        return List.of("ip", "addr", "replace", cidr, "dev", device);
    }

    public static List<String> deleteAddress(String device, String cidr) {
        return List.of("ip", "addr", "del", cidr, "dev", device);
    }

    public static List<String> linkUp(String device) {
        return List.of("ip", "link", "set", device, "up");
    }

    public static List<String> linkDown(String device) {
        return List.of("ip", "link", "set", device, "down");
    }

    /** Exit 0 when the device exists. */
    public static List<String> showLink(String device) {
        return List.of("ip", "link", "show", "dev", device);
    }

    public static List<String> deleteLink(String device) {
        return List.of("ip", "link", "del", device);
    }

    public static List<String> addNamespace(String namespace) {
        return List.of("ip", "netns", "add", namespace);
    }

    public static List<String> deleteNamespace(String namespace) {
        return List.of("ip", "netns", "del", namespace);
    }

    /**
     * A veth pair: {@code hostSide} stays in the root namespace, its peer is eth0 inside the namespace, with a MAC
     * address derived from the host's IP ({@link #macFor}): a host made again at the same address (scale in, then out)
     * keeps its MAC, so the neighbours' ARP caches stay right and it is reachable at once.
     */
    public static List<String> addVeth(String hostSide, String namespace, dev.scaleup.topology.Ipv4 address) {
        return List.of("ip", "link", "add", hostSide, "type", "veth", "peer", "name", "eth0",
                "address", macFor(address), "netns", namespace);
    }

    /** 02:00 (locally administered, unicast) followed by the four bytes of the IPv4 address. */
    public static String macFor(dev.scaleup.topology.Ipv4 address) {
        int bits = address.bits();
        return String.format("02:00:%02x:%02x:%02x:%02x", (bits >>> 24) & 0xff, (bits >>> 16) & 0xff, (bits >>> 8) & 0xff, bits & 0xff);
    }

    public static List<String> attachToBridge(String device, String bridge) {
        return List.of("ip", "link", "set", device, "master", bridge, "up");
    }

    public static List<String> inNamespace(String namespace, List<String> command) {
        return concat(List.of("ip", "netns", "exec", namespace), command);
    }

    public static List<String> defaultRoute(String gateway) {
        return List.of("ip", "route", "replace", "default", "via", gateway, "dev", "eth0");
    }

    public static List<String> sysctl(String key, String value) {
        return List.of("sysctl", "-q", "-w", key + "=" + value);
    }

    public static List<String> addressesOf(String namespace, String device) {
        return List.of("ip", "-n", namespace, "-4", "-o", "addr", "show", "dev", device);
    }

    /** {@code kill -s SIGNAL pid…}. */
    public static List<String> signal(String signal, List<Long> pids) {
        List<String> command = new java.util.ArrayList<>(List.of("kill", "-s", signal));
        pids.forEach(p -> command.add(Long.toString(p)));
        return List.copyOf(command);
    }

    /**
     * The nftables table of a drill's dropped traffic: its own, so the host's firewall table ({@code inet scaleup})
     * and the check that it is current are not touched.
     */
    public static final String DROP_TABLE = "scaleup_drill";

    /**
     * One nft script, atomic and idempotent: the drill's table made anew with an output chain that drops everything
     * to {@code peer}, established connections included (the chain has no "established" exception).
     */
    public static List<String> dropOutputTo(dev.scaleup.topology.Ipv4 peer) {
        return List.of("nft", "table inet " + DROP_TABLE + "; delete table inet " + DROP_TABLE + "; table inet "
                + DROP_TABLE + " { chain output { type filter hook output priority filter; policy accept; ip daddr "
                + peer + " counter drop; }; }");
    }

    public static List<String> listDropTable() {
        return List.of("nft", "list", "table", "inet", DROP_TABLE);
    }

    public static List<String> deleteDropTable() {
        return List.of("nft", "delete", "table", "inet", DROP_TABLE);
    }

    /**
     * The table a drill's packet drops live in: its own, so the host's firewall (table inet scaleup, whose listing
     * status compares with what it loaded) is left as it was, and removing the fault is deleting this table.
     */
    public static final String FAULT_TABLE = "scaleup_fault";

    /**
     * Drops inbound packets of one IP protocol, before the host's firewall (priority -10, ahead of its filter
     * chain) accepts them.
     */
    public static List<String> dropInbound(int ipProtocol) {
        return List.of("nft", "add table inet " + FAULT_TABLE + " { chain input { type filter hook input priority -10;"
                + " policy accept; ip protocol " + ipProtocol + " counter drop; }; }");
    }

    public static List<String> listFaults() {
        return List.of("nft", "list", "table", "inet", FAULT_TABLE);
    }

    public static List<String> removeFaults() {
        return List.of("nft", "delete", "table", "inet", FAULT_TABLE);
    }

    /**
     * An unprivileged system user for a server, with a group of its own name, no home directory and no login shell:
     * nothing but the files given to it.
     */
    public static List<String> addSystemUser(String user) {
        return List.of("useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent",
                "--shell", "/usr/sbin/nologin", "--comment", "scaleup server", user);
    }

    static List<String> concat(List<String> a, List<String> b) {
        var all = new java.util.ArrayList<String>(a.size() + b.size());
        all.addAll(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    /** {@code ss}: the TCP sockets listening on the port, one line each, no header (run inside the host's namespace). */
    public static List<String> listening(int port) {
        return List.of("ss", "-H", "-l", "-t", "-n", "sport = :" + port);
    }
}
