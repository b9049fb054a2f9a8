package dev.scaleup.render;

import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.nio.file.Path;

/**
 * {@code haproxy.cfg} of a load balancer.
 *
 * <p>The config expects to be started in the host's namespace as
 * {@code haproxy -W -db -f <conf>/haproxy.cfg -p <run>/haproxy.pid}: master-worker, in the foreground (no
 * {@code daemon}, no user/chroot), logging to stderr. It binds the VIP on both load balancers, so the runtime must
 * set {@code net.ipv4.ip_nonlocal_bind=1} in the namespace for the backup to start. The admin socket
 * {@code <run>/haproxy.sock} ({@link #socket(HostPaths)}) replaces a stats page.
 */
public final class HaproxyConfig {

    public static final String FILE = "haproxy.cfg";
    /** Backend name; its servers are named after the web hosts (for {@code set server be_web/web1 ...}). */
    public static final String BACKEND = "be_web";
    public static final String HEALTH_PATH = "/nginx-health";

    private HaproxyConfig() {}

    public static Path socket(HostPaths paths) {
        return paths.run().resolve("haproxy.sock");
    }

    /** keepalived in the foreground, VRRP only, logging to HAProxy's output, its pid file where the runtime looks. */
    public static java.util.List<String> keepalivedCommand(HostPaths paths) {
        return java.util.List.of("/usr/bin/setpriv", "--pdeathsig", "TERM", "--",
                "/usr/sbin/keepalived", "-n", "-l", "-D", "-P",
                "-f", Text.path(paths.conf(KeepalivedConfig.FILE)),
                "-p", Text.path(paths.pidFile("keepalived")),
                "-r", Text.path(paths.run().resolve("keepalived-vrrp.pid")),
                "-c", Text.path(paths.run().resolve("keepalived-checkers.pid")));
    }

    public static RenderedFile render(Topology t, Host host, HostPaths paths) {
        Text.requireRole(host, Role.LB, FILE);
        StringBuilder servers = new StringBuilder();
        for (Host web : t.hosts(Role.WEB)) {
            servers.append("    server %s %s:%d check\n".formatted(web.name(), web.address(), t.webPort()));
        }
        String content = Text.banner(t, host) + """

                global
                    master-worker
                    log stderr format raw local0 info
                    maxconn 4096
                    stats socket %s mode 600 level admin expose-fd listeners

                # keepalived lives and dies with HAProxy's master: PR_SET_PDEATHSIG stops it when the master dies,
                # so a crashed HAProxy releases the VIP at once; a reload keeps it running
                program vrrp
                    command %s
                    no option start-on-reload

                defaults
                    mode http
                    log global
                    option httplog
                    option http-keep-alive
                    option forwardfor
                    option redispatch 1
                    retries 3
                    retry-on conn-failure empty-response junk-response response-timeout 502 503 504
                    timeout connect 500ms
                    timeout check 500ms
                    timeout client 30s
                    timeout server 30s
                    timeout http-request 10s
                    timeout http-keep-alive 10s

                frontend fe_http
                    bind %s:%d
                    # a request is sent again to another web host only when that is safe: idempotent methods, or a
                    # request carrying an Idempotency-Key
                    acl idempotent_method method GET HEAD OPTIONS
                    acl has_idempotency_key req.hdr(Idempotency-Key) -m found
                    http-request disable-l7-retry if !idempotent_method !has_idempotency_key
                    http-response set-header X-Served-By-Lb %s
                    default_backend %s

                backend %s
                    balance roundrobin
                    option httpchk GET %s
                    http-check expect status 200
                    default-server inter 300ms fastinter 200ms downinter 300ms fall 2 rise 2
                %s""".formatted(
                        Text.path(socket(paths)),
                        String.join(" ", keepalivedCommand(paths)),
                        t.vip(), t.lbPort(),
                        host.name(),
                        BACKEND,
                        BACKEND,
                        HEALTH_PATH,
                        servers);
        return new RenderedFile(FILE, content, RenderedFile.PUBLIC);
    }
}
