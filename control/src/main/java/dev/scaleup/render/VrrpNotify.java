package dev.scaleup.render;

import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;

/**
 * {@code vrrp-notify.sh}: keepalived runs it ({@code notify} of the VRRP instance) at every state change, with the
 * arguments {@code INSTANCE <name> <state> <priority>}. It appends one line to HAProxy's log, where keepalived's own
 * lines go, with the time to the microsecond: keepalived's console log carries whole seconds only, too coarse for a
 * failover that takes a fifth of one. The drills' failover timeline reads it. That line only where processes log to
 * files (the netns target): on a server keepalived's lines reach journald, which times each to the microsecond. With
 * monitoring (both targets) it also writes keepalived's state for node-exporter's textfile collector.
 */
public final class VrrpNotify {

    public static final String FILE = "vrrp-notify.sh";
    private VrrpNotify() {}

    /**
     * Whether the host gets the script: a load balancer whose processes log to files, or any load balancer with
     * monitoring (node-exporter's textfile collector serves the state the script writes).
     */
    public static boolean applies(Topology t, Host host, HostPaths paths) {
        return host.role() == Role.LB && (!paths.journald() || t.monitoring().enabled());
    }

    public static RenderedFile render(Topology t, Host host, HostPaths paths) {
        Text.requireRole(host, Role.LB, FILE);
        String content = Text.banner(t, host) + (paths.journald() ? "" : """
                # keepalived's notify script: "INSTANCE" name state priority. One line in HAProxy's log, timed to the
                # microsecond (keepalived's own lines there carry whole seconds).
                printf '%%s keepalived notify: (%%s) %%s STATE, priority %%s\\n' "$(date '+%%Y-%%m-%%dT%%H:%%M:%%S.%%6N%%:z')" \\
                    "$2" "$3" "$4" >> %s
                """.formatted(Text.path(paths.log("haproxy")))) + (t.monitoring().enabled() ? textfile(paths) : "");
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
                # keepalived's state for Prometheus (node-exporter's textfile collector, user prometheus: keepalived
                # runs this with umask 077), replaced in one rename
                umask 022
                case "$3" in MASTER) master=1 ;; *) master=0 ;; esac
                printf '# HELP scaleup_vrrp_master 1 while keepalived holds the VIP here (its last state change)\\n# TYPE scaleup_vrrp_master gauge\\nscaleup_vrrp_master %%s\\n# HELP scaleup_vrrp_state keepalived state since its last change\\n# TYPE scaleup_vrrp_state gauge\\nscaleup_vrrp_state{state="%%s"} 1\\n' \\
                    "$master" "$3" > %s.tmp && mv %s.tmp %s
                """.formatted(file, file, file);
    }
}
