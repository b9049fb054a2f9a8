package dev.scaleup.render;

import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.nio.file.Path;

/**
 * {@code haproxy.cfg} of a load balancer.
 *
 * <p>The config expects to be started in the host's namespace as
 * {@code haproxy -W -db -f <conf>/haproxy.cfg -p <run>/haproxy.pid} as root: master-worker, in the foreground (no
 * {@code daemon}), logging to stderr. The master stays root (it binds ports 80 and 443, reads the TLS key, re-executes
 * on a reload and runs keepalived, which needs root for the VIP); the workers, which parse every client's bytes, run
 * as {@link #WORKER_USER}, chrooted to an empty directory ({@link #chroot}). It binds the VIP on both load balancers, so the runtime must
 * set {@code net.ipv4.ip_nonlocal_bind=1} in the namespace for the backup to start. The admin socket
 * {@code <run>/haproxy.sock} ({@link #socket(HostPaths)}) replaces a stats page.
 */
public final class HaproxyConfig {

    public static final String FILE = "haproxy.cfg";
    /** Backend name; its servers are named after the web hosts (for {@code set server be_web/web1 ...}). */
    public static final String BACKEND = "be_web";
    /** Backend for requests that may not be sent twice: the same servers, tracking be_web, no connection reuse. */
    public static final String ONCE_BACKEND = "be_web_once";
    public static final String HEALTH_PATH = "/nginx-health";
    /**
     * Where the other load balancer's split-brain check ({@link VipCheck}) asks whether this HAProxy is alive: the
     * host's own address (not the VIP), answered by HAProxy itself with 200.
     */
    public static final int PEER_PORT = 8404;
    public static final String PEER_PATH = "/alive";
    /** Requests declaring a larger body are refused at the edge with 413. */
    public static final long MAX_BODY_BYTES = 1024 * 1024;

    /** The unprivileged user (and group) of HAProxy's workers; Debian's haproxy package makes it. */
    public static final String WORKER_USER = "haproxy";

    private HaproxyConfig() {}

    /** The empty directory, root's, the workers are chrooted to: a compromised worker sees no file at all. */
    public static Path chroot(HostPaths paths) {
        return paths.run().resolve("empty");
    }

    public static Path socket(HostPaths paths) {
        return paths.run().resolve("haproxy.sock");
    }

    /**
     * keepalived in the foreground, VRRP only, logging to HAProxy's output, its pid file where the runtime looks.
     * HAProxy's master sends its programs SIGUSR1 on every reload, which makes keepalived dump its state to
     * $TMPDIR/keepalived*.data: TMPDIR keeps those files in the host's run directory instead of the machine's /tmp.
     */
    public static java.util.List<String> keepalivedCommand(HostPaths paths) {
        return java.util.List.of("/usr/bin/setpriv", "--pdeathsig", "TERM", "--",
                "/usr/bin/env", "TMPDIR=" + Text.path(paths.run()), "/usr/sbin/keepalived", "-n", "-l", "-D", "-P",
                "-f", Text.path(paths.conf(KeepalivedConfig.FILE)),
                "-p", Text.path(paths.pidFile("keepalived")),
                "-r", Text.path(paths.run().resolve("keepalived-vrrp.pid")),
                "-c", Text.path(paths.run().resolve("keepalived-checkers.pid")));
    }

    /**
     * The per-client rate limit (lb.rate_limit_per_10s > 0): every request counts against its source address in a
     * table of request rates over 10 s; above the limit the answer is 429 until the rate falls again. Empty when off.
     */
    static String rateLimit(Topology t) {
        int limit = t.lb().edge().rateLimitPer10s();
        if (limit == 0) {
            return "";
        }
        return """
                    # at most %d requests per client address in 10 s, then 429 Too Many Requests
                    stick-table type ip size 100k expire 30s store http_req_rate(10s)
                    http-request track-sc0 src
                    http-request deny deny_status 429 if { sc_http_req_rate(0) gt %d }
                """.formatted(limit, limit);
    }

    /** The stick table of sign-in and sign-up rates per client address (a backend of its own: one table each). */
    static final String AUTH_TABLE = "st_auth";
    /** How long a client told 429 should wait: the rate's period, after which its count has fallen. */
    static final int AUTH_RETRY_AFTER_SECONDS = 10;

    /**
     * The per-client limit of sign-ins and sign-ups (lb.auth_rate_limit_per_10s > 0): each costs the app a PBKDF2
     * hash of 120,000 iterations, so one client sending them at line rate would take every core of the app tier.
     * Only those requests count, against their source address over 10 s; above the limit the answer is 429 with a
     * JSON reason and Retry-After, before any web host sees the request. Refused requests count too: a client that
     * keeps hammering stays refused until it pauses. The path is matched decoded, lower-cased and by its last
     * segment, so //api/Users or /api/%73essions/ count as well. Empty when off.
     */
    static String authRateLimit(Topology t) {
        int limit = t.lb().edge().authRateLimitPer10s();
        if (limit == 0) {
            return "";
        }
        return """
                    # at most %1$d sign-ins and sign-ups (a PBKDF2 hash each) per client address in 10 s, then 429
                    acl auth_method method POST
                    acl auth_path path,url_dec,lower -m reg (^|/)(sessions|users)/*$
                    http-request track-sc1 src table %2$s if auth_method auth_path
                    http-request return status 429 content-type application/json string '{"error":"rate_limited","message":"too many sign-ins or sign-ups from this address; try again in %3$d s"}' hdr Retry-After %3$d if auth_method auth_path { sc_http_req_rate(1) gt %1$d }
                """.formatted(limit, AUTH_TABLE, AUTH_RETRY_AFTER_SECONDS);
    }

    /** The table {@link #authRateLimit} counts in, after a blank line; empty when off. */
    static String authTable(Topology t) {
        if (t.lb().edge().authRateLimitPer10s() == 0) {
            return "";
        }
        return """

                # sign-in and sign-up rates per client address (see fe_http)
                backend %s
                    stick-table type ip size 100k expire 30s store http_req_rate(10s)
                """.formatted(AUTH_TABLE);
    }

    /**
     * With lb.https_redirect: plain HTTP gets a 301 to the same URL over HTTPS, except the health path (monitors and
     * the control plane keep checking it over HTTP). Empty when off.
     */
    static String httpsRedirect(Topology t) {
        if (!t.lb().edge().httpsRedirect()) {
            return "";
        }
        String redirect = t.lb().edge().httpsPort() == 443 ? "redirect scheme https code 301"
                : "redirect location https://%%[req.hdr(host),regsub(:[0-9]+$,)]:%d%%[capture.req.uri] code 301"
                        .formatted(t.lb().edge().httpsPort());
        return """
                    # plain HTTP is redirected to HTTPS, the health checks excepted
                    http-request %s if !{ ssl_fc } !{ path %s }
                """.formatted(redirect, HEALTH_PATH);
    }

    public static RenderedFile render(Topology t, Host host, HostPaths paths) {
        Text.requireRole(host, Role.LB, FILE);
        String content = Text.banner(t, host) + "\n" + String.join("\n", java.util.stream.Stream.of(global(t, paths),
                vrrpProgram(paths), defaults(), frontend(t, host, paths), peerCheck(host), metrics(t, host),
                backendWeb(t), backendWebOnce(t)).filter(part -> !part.isEmpty()).toList()) + authTable(t);
        return new RenderedFile(FILE, content, RenderedFile.PUBLIC);
    }

    private static String global(Topology t, HostPaths paths) {
        return """
                global
                    master-worker
                    # the workers drop to an unprivileged user in an empty directory (the master stays root)
                    user %s
                    group %s
                    chroot %s
                    # an old process left by a reload ends within 60 s, however long its connections would last
                    hard-stop-after 60s
                    log stderr format raw local0 info
                    maxconn 4096
                    # lb.threads: where the load balancer shares its cores with other servers, one thread
                    # costs less CPU a request than one per core
                    nbthread %d
                    # a request's line and headers must fit in one buffer: larger ones are refused with 400 or 431
                    tune.bufsize 16384
                    stats socket %s mode 600 level admin expose-fd listeners
                    # TLS 1.2 (forward-secret AEAD ciphers only) and 1.3; no session tickets
                    ssl-default-bind-options %s
                    ssl-default-bind-ciphers %s
                    ssl-default-bind-ciphersuites %s
                """.formatted(WORKER_USER, WORKER_USER, Text.path(chroot(paths)), t.lb().threads(), Text.path(socket(paths)),
                Tls.BIND_OPTIONS, Tls.CIPHERS, Tls.CIPHERSUITES);
    }

    private static String vrrpProgram(HostPaths paths) {
        return """
                # keepalived lives and dies with HAProxy's master: PR_SET_PDEATHSIG stops it when the master dies,
                # so a crashed HAProxy releases the VIP at once; a reload keeps it running
                program vrrp
                    command %s
                    no option start-on-reload
                """.formatted(String.join(" ", keepalivedCommand(paths)));
    }

    private static String defaults() {
        return """
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
                    # a client has 5 s to send its request line and headers: slowloris gets 408
                    timeout http-request 5s
                    timeout http-keep-alive 10s
                    # on a reload the old process keeps its idle client connections open and answers the next
                    # request on each with Connection: close, instead of closing them under a client that may be
                    # sending on them at that instant (which that client would see as a reset)
                    option idle-close-on-response
                """;
    }

    /** The VIP's one frontend: its binds, then each request's checks in order, then the choice of backend. */
    private static String frontend(Topology t, Host host, HostPaths paths) {
        return "frontend fe_http\n" + binds(t, paths) + retrySafety() + rateLimit(t) + requestLimits()
                + httpsRedirect(t) + authRateLimit(t) + headers(host) + routing();
    }

    /**
     * The other load balancer asks here whether this HAProxy is alive before it gives way to this one: a load
     * balancer whose processes were killed keeps the VIP on its interface (and answers ARP for it) but serves nothing.
     */
    private static String peerCheck(Host host) {
        return """
                # the other load balancer's split-brain check: is this HAProxy alive (see vip-check.sh)
                frontend fe_peer
                    bind %s:%d
                    monitor-uri %s
                """.formatted(host.address(), PEER_PORT, PEER_PATH);
    }

    /** HAProxy's own Prometheus exporter, for the monitoring host (monitoring.enabled); nothing without it. */
    private static String metrics(Topology t, Host host) {
        if (!t.monitoring().enabled()) {
            return "";
        }
        return """
                # Prometheus scrapes HAProxy's own exporter here (the firewall lets in the monitoring host only)
                frontend fe_metrics
                    bind %s:%d
                    http-request set-log-level silent
                    http-request use-service prometheus-exporter if { path /metrics }
                    http-request deny deny_status 404
                """.formatted(host.address(), Exporters.HAPROXY_PORT);
    }

    /**
     * The VIP's listeners, {@code transparent} (IP_TRANSPARENT, inherited by every accepted connection): a connection
     * may then still send from the VIP after this host has dropped it. When the processes of a load balancer are
     * killed, the kernel closes their connections, but a FIN or a response the kernel could not send at once is
     * sent later; by then the unit's ExecStopPost (or keepalived) has removed the VIP, and without this such a
     * packet has no route, so the client waits out its own timeout on a connection that is gone (lb-kill on
     * servers: 2.0 s without an answer in CI, a client's request timeout).
     */
    private static String binds(Topology t, HostPaths paths) {
        return """
                    # transparent: a connection's last packets still go out after the VIP has left this host
                    bind %s:%d transparent
                    # HTTPS: the VIP's certificate and key (conf/tls.pem, made by scaleup up or the operator's own)
                    bind %s:%d transparent ssl crt %s alpn h2,http/1.1
                """.formatted(t.network().vip(), t.lb().port(), t.network().vip(), t.lb().edge().httpsPort(),
                Text.path(paths.conf(Tls.PEM_FILE)));
    }

    private static String retrySafety() {
        return """
                    # a request is sent again to another web host only when that is safe: idempotent methods, or a
                    # request carrying an Idempotency-Key
                    acl idempotent_method method GET HEAD OPTIONS
                    acl has_idempotency_key req.hdr(Idempotency-Key) -m found
                    http-request disable-l7-retry if !idempotent_method !has_idempotency_key
                """;
    }

    private static String requestLimits() {
        return """
                    # only HTTP/1.0, 1.1 (and 2 over TLS): anything else is a malformed request
                    http-request deny deny_status 400 if !{ req.ver 1.0 1.1 2.0 }
                    # no body is larger than 1 MB (nginx allows the API 64 KB): refused before any web host sees it
                    http-request deny deny_status 413 if { req.hdr_val(content-length) gt %d }
                    # then the first 16 KB of a body must arrive within 5 s too (a slow body gets 408), before a web
                    # host is bothered with the request
                    http-request wait-for-body time 5s at-least 16k
                """.formatted(MAX_BODY_BYTES);
    }

    private static String headers(Host host) {
        return """
                    # the web tier learns how the client came in (whatever the client claimed is replaced)
                    http-request set-header X-Forwarded-Proto https if { ssl_fc }
                    http-request set-header X-Forwarded-Proto http if !{ ssl_fc }
                    http-response del-header Server
                    http-response set-header Strict-Transport-Security "%s" if { ssl_fc }
                    http-response set-header X-Served-By-Lb %s
                """.formatted(Tls.HSTS, host.name());
    }

    private static String routing() {
        return """
                    # a request that may not be sent twice always goes over a new connection to nginx (%s)
                    use_backend %s if !idempotent_method !has_idempotency_key
                    default_backend %s
                """.formatted(ONCE_BACKEND, ONCE_BACKEND, BACKEND);
    }

    /** Every web host, health-checked; its servers are named after the hosts. */
    private static String backendWeb(Topology t) {
        StringBuilder servers = new StringBuilder();
        for (Host web : t.hosts(Role.WEB)) {
            servers.append("    server %s %s:%d check\n".formatted(web.name(), web.address(), t.web().port()));
        }
        return """
                backend %s
                    balance roundrobin
                    option httpchk GET %s
                    http-check expect status 200
                    default-server inter 300ms fastinter 200ms downinter 300ms fall 2 rise 2
                """.formatted(BACKEND, HEALTH_PATH) + servers;
    }

    private static String backendWebOnce(Topology t) {
        StringBuilder tracking = new StringBuilder();
        for (Host web : t.hosts(Role.WEB)) {
            tracking.append("    server %s %s:%d track %s/%s\n".formatted(web.name(), web.address(), t.web().port(),
                    BACKEND, web.name()));
        }
        return """
                # The same web hosts, each following its be_web twin's health and drain/maintenance state, for requests
                # that may not be sent twice. A connection to nginx that is reused may be closed by an nginx reload at
                # the instant a request goes out on it; such a request can be neither retried nor answered. A new
                # connection per request (accepted by whichever nginx worker is current) has no such instant.
                backend %s
                    balance roundrobin
                    option http-server-close
                """.formatted(ONCE_BACKEND) + tracking;
    }
}
