package dev.scaleup.render;

import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;

/**
 * {@code vrrp-notify.sh}: keepalived's reader of VRRP state changes ({@code vrrp_notify_fifo_script}). keepalived
 * starts it once, with the FIFO's name as its argument, and writes one line per change to the FIFO, in order:
 * {@code INSTANCE "<name>" <state> <priority>}. For each, the script appends one line to HAProxy's log, where
 * keepalived's own lines go, with the time to the microsecond: keepalived's console log carries whole seconds only,
 * too coarse for a failover that takes a fifth of one. The drills' failover timeline reads it. That line only where
 * processes log to files (the netns target): on a server keepalived's lines reach journald, which times each to the
 * microsecond. With monitoring (both targets) it also writes keepalived's state for node-exporter's textfile collector.
 *
 * <p>Why a FIFO and not keepalived's {@code notify}: keepalived starts a notify script at each change without waiting
 * for the one before, so two changes close together run as two scripts whose writes land in either order. Seen at a
 * cold up: lb2 went BACKUP, then MASTER 0.2 s later; the BACKUP script wrote last, the file said lb2 did not hold the
 * VIP while it did, and VipNoHolder paged. One reader of one FIFO handles the changes in keepalived's order.
 */
public final class VrrpNotify {

    public static final String FILE = "vrrp-notify.sh";
    /** The FIFO keepalived writes the changes to (it makes it, and removes it when it stops). */
    public static final String FIFO = "vrrp-notify.fifo";
    private VrrpNotify() {}

    /**
     * Whether the host gets the script: a load balancer whose processes log to files, or any load balancer with
     * monitoring (node-exporter's textfile collector serves the state the script writes).
     */
    public static boolean applies(Topology t, Host host, HostPaths paths) {
        return host.role() == Role.LB && (!paths.journald() || t.monitoring().enabled());
    }

    /** The FIFO's path on the host. */
    public static java.nio.file.Path fifo(HostPaths paths) {
        return paths.run().resolve(FIFO);
    }

    public static RenderedFile render(Topology t, Host host, HostPaths paths) {
        Text.requireRole(host, Role.LB, FILE);
        String log = paths.journald() ? "" : """
                    # one line in HAProxy's log, timed to the microsecond (keepalived's own lines there carry whole seconds)
                    printf '%%s keepalived notify: (%%s) %%s STATE, priority %%s\\n' "$(date '+%%Y-%%m-%%dT%%H:%%M:%%S.%%6N%%:z')" \\
                        "$name" "$state" "$priority" >> %s
                """.formatted(Text.path(paths.log("haproxy")));
        String content = Text.banner(t, host) + """
                # keepalived's reader of VRRP state changes (vrrp_notify_fifo_script): started once, with the FIFO
                # last; one line per change, in keepalived's order: INSTANCE "name" state priority. keepalived sends
                # TERM before it writes its last (STOP) lines at exit: read on until it closes the FIFO.
                trap '' TERM
                umask 022
                while read -r kind name state priority; do
                    [ "$kind" = INSTANCE ] || continue
                    name=${name#\\"}
                    name=${name%%\\"}
                %sdone < "$1"
                """.formatted(log + (t.monitoring().enabled() ? textfile(paths) : ""));
        return new RenderedFile(FILE, content, RenderedFile.PUBLIC);
    }

    /** The textfile directory node-exporter serves on a load balancer (monitoring.enabled). */
    public static java.nio.file.Path textfileDir(HostPaths paths) {
        return paths.run().resolve(Exporters.TEXTFILE_DIR);
    }

    /**
     * With monitoring, the state for Prometheus too, through node-exporter's textfile collector: written to a
     * temporary file and renamed, so a scrape never reads half a file.
     */
    private static String textfile(HostPaths paths) {
        String file = Text.path(textfileDir(paths).resolve(Exporters.VRRP_TEXTFILE));
        return """
                    # keepalived's state for Prometheus (node-exporter's textfile collector, user prometheus), replaced in
                    # one rename
                    case "$state" in MASTER) master=1 ;; *) master=0 ;; esac
                    printf '# HELP scaleup_vrrp_master 1 while keepalived holds the VIP here (its last state change)\\n# TYPE scaleup_vrrp_master gauge\\nscaleup_vrrp_master %%s\\n# HELP scaleup_vrrp_state keepalived state since its last change\\n# TYPE scaleup_vrrp_state gauge\\nscaleup_vrrp_state{state="%%s"} 1\\n' \\
                        "$master" "$state" > %s.tmp && mv %s.tmp %s
                """.formatted(file, file, file);
    }
}
