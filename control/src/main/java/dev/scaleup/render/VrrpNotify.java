package dev.scaleup.render;

import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;

/**
 * {@code vrrp-notify.sh}: keepalived runs it ({@code notify} of the VRRP instance) at every state change, with the
 * arguments {@code INSTANCE <name> <state> <priority>}. It appends one line to HAProxy's log, where keepalived's own
 * lines go, with the time to the microsecond: keepalived's console log carries whole seconds only, too coarse for a
 * failover that takes a fifth of one. The drills' failover timeline reads it. Only where processes log to files
 * (the netns target): on a server keepalived's lines reach journald, which times each to the microsecond.
 */
public final class VrrpNotify {

    public static final String FILE = "vrrp-notify.sh";
    private VrrpNotify() {}

    /** Whether the host gets the script: a load balancer whose processes log to files. */
    public static boolean applies(Host host, HostPaths paths) {
        return host.role() == Role.LB && !paths.journald();
    }

    public static RenderedFile render(Topology t, Host host, HostPaths paths) {
        Text.requireRole(host, Role.LB, FILE);
        String content = Text.banner(t, host) + """
                # keepalived's notify script: "INSTANCE" name state priority. One line in HAProxy's log, timed to the
                # microsecond (keepalived's own lines there carry whole seconds).
                printf '%%s keepalived notify: (%%s) %%s STATE, priority %%s\\n' "$(date '+%%Y-%%m-%%dT%%H:%%M:%%S.%%6N%%:z')" \\
                    "$2" "$3" "$4" >> %s
                """.formatted(Text.path(paths.log("haproxy")));
        return new RenderedFile(FILE, content, RenderedFile.PUBLIC);
    }
}
