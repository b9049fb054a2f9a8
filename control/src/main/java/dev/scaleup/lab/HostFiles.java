package dev.scaleup.lab;

/** The small files that make a container one host of the lab. Pure. */
final class HostFiles {

    /** Only the key the lab made for the host: the image has none (it would be every host's). */
    static final String SSHD = "# scaleup lab: only the key made for this host (the image has none: it would be every host's)\nHostKey /etc/ssh/ssh_host_ed25519_key\n";

    private HostFiles() {
    }

    /** host0 (nspawn's veth inside the container) at the host's static address; no DHCP, no IPv6 autoconfiguration. */
    static String network(LabPlan plan, LabHost host) {
        return "# scaleup lab: " + host.name() + "'s static address on the lab's bridge\n"
                + "[Match]\nName=host0\n\n"
                + "[Network]\nAddress=" + host.address() + "/" + plan.subnet().prefix() + "\n"
                + "Gateway=" + plan.gateway() + "\n"
                + "LinkLocalAddressing=no\nIPv6AcceptRA=no\n";
    }

    /** Every lab host by name, so that a host resolves its own name (sudo asks) and its peers'. */
    static String etcHosts(LabPlan plan) {
        StringBuilder text = new StringBuilder("127.0.0.1\tlocalhost\n");
        plan.hosts().forEach(h -> text.append(h.address()).append('\t').append(h.name()).append('\n'));
        return text.toString();
    }
}
