package dev.scaleup.render;

import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.nio.file.Path;
import java.util.Comparator;

/**
 * {@code vip-check.sh}: the tie-breaker that ends a split brain of the load balancers. keepalived runs it as
 * {@code /bin/sh <conf>/vip-check.sh} on one of them (the one with the higher address, {@link #yields}), as a
 * {@code vrrp_script} with weight 0: a failure puts its VRRP instance in FAULT, which releases the VIP, and a success
 * lets it back to BACKUP.
 *
 * <p>Two load balancers both hold the VIP when VRRP is lost in one direction (or both) while the data path works: the
 * one that hears nothing becomes MASTER and the other stays MASTER. Over the data path each can still see the other:
 * {@code arping -D} (duplicate address detection) asks who has the VIP, and a reply comes only from another host
 * holding it (a host does not answer its own probe); the other's HAProxy must also answer on its own address
 * ({@link HaproxyConfig#PEER_PORT}), since a load balancer whose processes were killed keeps the address. Only one
 * load balancer runs the check, so the two can never both give way at the same moment; it gives way only while the
 * other one answers for the VIP, so the VIP is never left without a holder: when the other dies, the check passes
 * again, and after the usual VRRP wait this one takes the VIP. Having given way, it stays out while the other holds
 * the VIP (it may still hear nothing, and would take the VIP again after 0.18 s), and tries again after
 * {@link #HOLD_SECONDS}: a VRRP that works again keeps it BACKUP.
 */
public final class VipCheck {

    public static final String FILE = "vip-check.sh";
    /** keepalived runs the check every second (its interval is whole seconds). */
    public static final int INTERVAL_SECONDS = 1;
    /** How long the load balancer that gave way stays out before it tries BACKUP again. */
    public static final int HOLD_SECONDS = 30;
    /** The marker file (in the host's run directory) saying when this load balancer gave way; status shows it. */
    public static final String MARKER = "vip-gave-way";
    /**
     * The kernel's routing tables of the host's network namespace, its own addresses among them. The check reads them
     * with the shell's builtins: keepalived runs it every second, and each program it started cost about 10 ms of CPU
     * here; its first version ran date, ip, grep and rm each time: 4.3 % of a core on an idle stack (keepalived's
     * reaped children, from /proc over 10 s), 0.65 % since.
     */
    static final String FIB = "/proc/net/fib_trie";

    /**
     * The shell function {@code holds_vip} (of {@code $vip}, reading {@code $fib}), with the shell's builtins only; also
     * in {@link VrrpNotify}.
     */
    static final String HOLDS_VIP = """
            # this host holds the VIP: the kernel lists it among the host's own addresses, a line "|-- VIP"
            # followed by "/32 host LOCAL"
            holds_vip() {
                key=
                while read -r a b c; do
                    case $a in
                        "|--") key=$b ;;
                        /32) if [ "$key" = "$vip" ] && [ "$b $c" = "host LOCAL" ]; then return 0; fi ;;
                    esac
                done < "$fib"
                return 1
            }""";

    private VipCheck() {}

    /** Whether the host is the load balancer that gives way in a split brain: the one with the highest address. */
    public static boolean yields(Topology t, Host host) {
        return host.equals(t.hosts(Role.LB).stream().max(Comparator.comparing(Host::address)).orElseThrow());
    }

    /** The other load balancer (the topology has exactly two). */
    static Host peer(Topology t, Host host) {
        return t.hosts(Role.LB).stream().filter(h -> !h.equals(host)).findFirst().orElseThrow();
    }

    public static Path marker(HostPaths paths) {
        return paths.run().resolve(MARKER);
    }

    public static RenderedFile render(Topology t, Host host, HostPaths paths) {
        Text.requireRole(host, Role.LB, FILE);
        if (!yields(t, host)) {
            throw new IllegalArgumentException(FILE + " is for the load balancer that gives way, not " + host.name());
        }
        String content = Text.banner(t, host) + """
                # keepalived's tie-breaker for a split brain (vrrp_script, weight 0): exit 1 puts this load balancer's VRRP
                # instance in FAULT, which releases the VIP; exit 0 lets it back to BACKUP. See VipCheck in scaleup.
                # It runs every second, so its usual path (not holding the VIP, not having given way) starts no
                # program: only the shell's builtins.
                PATH=/usr/sbin:/usr/bin:/sbin:/bin
                vip=%s
                dev=%s
                peer=%s:%d
                marker=%s
                hold=%d
                fib=%s

                %s

                # another load balancer holds the VIP: a host answers ARP for it (duplicate address detection: arping
                # exits 1 on a reply within 1 s) and the other's HAProxy is alive (one whose processes were killed
                # keeps the address and answers ARP, but serves nothing)
                answered() {
                    ! arping -q -D -c 1 -w 1 -I "$dev" "$vip" && curl -sf -o /dev/null -m 1 "http://$peer%s"
                }

                forget() {
                    if [ -e "$marker" ]; then rm -f "$marker"; fi
                }

                if holds_vip; then
                    # holding the VIP: give way if another host holds it too
                    if answered; then
                        date +%%s > "$marker"
                        exit 1
                    fi
                    forget
                    exit 0
                fi
                # having given way, stay out while the other holds the VIP, for at most $hold s: this side may hear no
                # VRRP and would take the VIP again; when the other stops answering, come back at once
                if [ -f "$marker" ] && read -r since < "$marker" && [ $(($(date +%%s) - since)) -lt "$hold" ] \\
                        && answered; then
                    exit 1
                fi
                forget
                exit 0
                """.formatted(t.network().vip(), t.hostInterface(), peer(t, host).address(),
                HaproxyConfig.PEER_PORT, Text.path(marker(paths)), HOLD_SECONDS, FIB, HOLDS_VIP, HaproxyConfig.PEER_PATH);
        return new RenderedFile(FILE, content, RenderedFile.PUBLIC);
    }
}
