package dev.scaleup.render;

import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;

/**
 * {@code keepalived.conf} of a load balancer: one VRRPv3 instance over unicast that holds the VIP.
 *
 * <p>The config expects keepalived 2.2 to be started in the host's namespace in the foreground with per-host pid
 * files (all hosts share one filesystem, and keepalived refuses to start while its default {@code /run/keepalived.pid}
 * belongs to a running process). Option names as keepalived 2.2.7 {@code --help} spells them; file names are the
 * runtime's choice:
 *
 * <pre>
 * keepalived --dont-fork --log-console --log-detail --vrrp
 *     --use-file=&lt;conf&gt;/keepalived.conf
 *     --pid=&lt;run&gt;/keepalived-main.pid           (-p, parent process)
 *     --vrrp_pid=&lt;run&gt;/keepalived-vrrp.pid       (-r, VRRP child)
 *     --checkers_pid=&lt;run&gt;/keepalived-checkers.pid (-c, checker child; not started with --vrrp)
 *     --bfd_pid=&lt;run&gt;/keepalived-bfd.pid         (-b, BFD child; not started without BFD config)
 * </pre>
 *
 * ({@code -n -l -D -P -f ... -p ... -r ... -c ... -b ...} in short form; add {@code -G/--no-syslog} to keep it
 * off /dev/log.) The interface is {@code eth0} inside a namespace, network.interface on a server. The load balancer that gives way in a split
 * brain ({@link VipCheck#yields}) tracks {@link VipCheck}'s script.
 */
public final class KeepalivedConfig {

    public static final String FILE = "keepalived.conf";
    /** The hosts' interface on the netns target ({@link Topology#hostInterface()}). */
    public static final String INTERFACE = Topology.NETNS_INTERFACE;
    public static final int MASTER_PRIORITY = 150;
    public static final int BACKUP_PRIORITY = 100;

    private KeepalivedConfig() {}

    /**
     * VRRP router id, 1..255, stable for a deployment name. It only has to differ between VRRP routers on one L2
     * segment; every deployment has its own bridge and the adverts are unicast, so a collision between two
     * deployments is harmless. Derived from the name rather than the subnet because String.hashCode is specified and
     * the name is what identifies a deployment on this machine (the third octet of the subnet is 0 for the default
     * 198.18.0.0/24, and /24s in 198.18.0.0/15 share third octets).
     */
    public static int virtualRouterId(Topology t) {
        return 1 + Math.floorMod(t.name().hashCode(), 255);
    }

    /** Name of the VRRP instance, as it appears in keepalived's log. */
    public static String instanceName(Topology t) {
        return "VI_" + t.name();
    }

    /** The preferred holder: highest priority, so it wins the first election when both start together. */
    public static boolean preferred(Topology t, Host host) {
        return host.equals(t.initialVipHolder());
    }

    /**
     * Advertisement interval: VRRP v3 allows centiseconds. A backup takes over after 3 missed adverts plus its skew
     * ((256 - 100) / 256 of an interval): 0.18 s at 0.05 s (it was 0.72 s at 0.2 s; the lb-partition drill's
     * clients saw 0.84 s). The VRRP process runs at the highest nice priority ({@link #NICE}), so a busy machine
     * delays no advert into a false failover.
     */
    public static final String ADVERT_INT = "0.05";
    /** Nice value of keepalived's VRRP process; HAProxy, nginx, the JVMs and PostgreSQL all run at 0. */
    public static final int NICE = -20;

    public static RenderedFile render(Topology t, Host host, HostPaths paths) {
        Text.requireRole(host, Role.LB, FILE);
        boolean preferred = preferred(t, host);
        StringBuilder peers = new StringBuilder();
        for (Host lb : t.hosts(Role.LB)) {
            if (!lb.equals(host)) {
                peers.append("        ").append(lb.address()).append('\n');
            }
        }
        String content = Text.banner(t, host) + """

                global_defs {
                    router_id %s_%s
                    vrrp_version 3
                    script_user root
                    enable_script_security
                    # the holder repeats its gratuitous ARP every second: after a split brain ends, the clients that
                    # last heard the other load balancer's ARP come back within a second
                    vrrp_garp_master_refresh 1
                    # adverts every %s s must go out and be read on time however busy the machine is: the VRRP
                    # process runs at nice %d, ahead of every server of the stack (real-time priority would do too,
                    # but keepalived 2.2.7 kills its own VRRP child at every reload then: "cannot set realtime rlimit")
                    vrrp_priority %d
                    max_auto_priority -1
                %s}
                %s
                # Both start as BACKUP with nopreempt: the first election goes to the higher priority; afterwards a
                # returning load balancer does not take the VIP back, so a flapping host costs one failover, not
                # two. keepalived runs as a program of HAProxy's master with PR_SET_PDEATHSIG: when HAProxy dies,
                # keepalived is stopped too and the VIP moves (track_process needs proc events, which the kernel
                # only delivers in the initial network namespace).
                vrrp_instance %s {
                    state BACKUP
                    nopreempt
                    priority %d
                    interface %s
                    virtual_router_id %d
                    advert_int %s
                    unicast_src_ip %s
                    unicast_peer {
                %s    }
                    virtual_ipaddress {
                        %s/%d dev %s
                    }
                %s}
                """.formatted(
                        t.name(), host.name(), ADVERT_INT, NICE, NICE, notify(t, host, paths), script(t, host, paths),
                        instanceName(t),
                        preferred ? MASTER_PRIORITY : BACKUP_PRIORITY,
                        t.hostInterface(),
                        virtualRouterId(t),
                        ADVERT_INT,
                        host.address(),
                        peers,
                        t.network().vip(), t.network().subnet().prefix(), t.hostInterface(), trackScript(t, host));
        return new RenderedFile(FILE, content, RenderedFile.PUBLIC);
    }

    /** The split-brain check on the load balancer that gives way (weight 0: a failure is FAULT); empty elsewhere. */
    private static String script(Topology t, Host host, HostPaths paths) {
        if (!VipCheck.yields(t, host)) {
            return "";
        }
        return """

                # VRRP lost one way (or both) while the data path works leaves both load balancers MASTER: this one
                # gives way (FAULT releases the VIP) while another host answers ARP for the VIP; see %s
                vrrp_script vip_unique {
                    script "/bin/sh %s"
                    interval %d
                    timeout 3
                    fall 1
                    rise 1
                    weight 0
                }
                """.formatted(VipCheck.FILE, Text.path(paths.conf(VipCheck.FILE)), VipCheck.INTERVAL_SECONDS);
    }

    /**
     * Every state change goes to {@link VrrpNotify} where it applies (a log line on netns, the state for Prometheus):
     * one reader of a FIFO, in keepalived's order (notify scripts run concurrently, and a late one could overwrite a
     * newer state).
     */
    private static String notify(Topology t, Host host, HostPaths paths) {
        return VrrpNotify.applies(t, host, paths) ? """
                    # every state change, in order, to one reader (see %s)
                    vrrp_notify_fifo %s
                    vrrp_notify_fifo_script "/bin/sh %s"
                """.formatted(VrrpNotify.FILE, Text.path(VrrpNotify.fifo(paths)), Text.path(paths.conf(VrrpNotify.FILE))) : "";
    }

    private static String trackScript(Topology t, Host host) {
        return VipCheck.yields(t, host) ? """
                    track_script {
                        vip_unique
                    }
                """ : "";
    }
}
