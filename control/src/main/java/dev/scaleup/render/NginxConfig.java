package dev.scaleup.render;

import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.nio.file.Path;

/**
 * {@code nginx.conf} of a web host: the static site from {@link HostPaths#site()}, {@code /api/} proxied to the app
 * tier, {@code /nginx-health} for the load balancers' checks.
 *
 * <p>The config expects {@code nginx -e <logs>/nginx-error.log -c <conf>/nginx.conf -p <root>/} (run as root, workers
 * drop to {@code www-data}); {@code daemon off} keeps the master in the foreground. {@code -e} is optional but keeps
 * nginx from opening its compiled-in error log before it has read this file. nginx creates the temp directories under
 * {@link HostPaths#data()} itself; {@code data/}, {@code logs/} and {@code run/} must exist.
 */
public final class NginxConfig {

    public static final String FILE = "nginx.conf";
    public static final String HEALTH_PATH = HaproxyConfig.HEALTH_PATH;
    public static final String UPSTREAM = "app_tier";
    /** The site's own scripts, styles and API only: no inline script, no other origin, no framing. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
            + "frame-ancestors 'none'";

    private NginxConfig() {}

    /**
     * Where nginx logs on a server (no log directory): journald's syslog socket, tagged nginx, so {@code journalctl
     * -t nginx} shows both logs the way every other service's are shown.
     */
    static final String JOURNALD = "syslog:server=unix:/dev/log,nohostname,tag=nginx";

    /**
     * nginx's {@code -e}: the log of its start, before it reads the config: the error log file, or on a server
     * stderr (journald, through its unit).
     */
    public static String startErrorLog(HostPaths paths) {
        return paths.journald() ? "stderr" : errorLog(paths).toString();
    }

    public static Path errorLog(HostPaths paths) {
        return paths.logs().resolve("nginx-error.log");
    }

    public static Path accessLog(HostPaths paths) {
        return paths.logs().resolve("nginx-access.log");
    }

    public static Path pidFile(HostPaths paths) {
        return paths.pidFile("nginx");
    }

    public static RenderedFile render(Topology t, Host host, HostPaths paths) {
        return render(t, host, paths, java.util.Set.of());
    }

    /** {@code drainedApps}: app hosts marked {@code down} in the upstream while they are restarted or removed. */
    public static RenderedFile render(Topology t, Host host, HostPaths paths, java.util.Set<String> drainedApps) {
        Text.requireRole(host, Role.WEB, FILE);
        String content = Text.banner(t, host) + "\n" + main(paths) + "\n" + events() + "\n" + "http {\n"
                + String.join("\n", types(), tempPaths(paths), requestIdMap(), retryMap(), cacheControlMap(), logging(paths),
                        limits(),
                        upstream(t, drainedApps), server(t, host, paths)) + statusServer(t)
                + "}\n";
        return new RenderedFile(FILE, content, RenderedFile.PUBLIC);
    }

    /** The unprivileged user of nginx's workers (Debian's own for web servers). */
    public static final String WORKER_USER = "www-data";

    /** The master in the foreground, one worker as www-data. */
    private static String main(HostPaths paths) {
        return """
                daemon off;
                master_process on;
                worker_processes 1;
                user %s;
                pid %s;
                error_log %s warn;
                """.formatted(WORKER_USER, Text.path(pidFile(paths)), paths.journald() ? JOURNALD : Text.path(errorLog(paths)));
    }

    private static String events() {
        return """
                events {
                    worker_connections 1024;
                }
                """;
    }

    private static String types() {
        return """
                    include /etc/nginx/mime.types;
                    default_type application/octet-stream;
                """;
    }

    /** nginx's temporary files, in the host's own data directory. */
    private static String tempPaths(HostPaths paths) {
        String data = Text.path(paths.data());
        return """
                    client_body_temp_path %1$s/nginx-client-body;
                    proxy_temp_path %1$s/nginx-proxy;
                    fastcgi_temp_path %1$s/nginx-fastcgi;
                    uwsgi_temp_path %1$s/nginx-uwsgi;
                    scgi_temp_path %1$s/nginx-scgi;
                """.formatted(data);
    }

    private static String requestIdMap() {
        return """
                    # keep the caller's X-Request-Id, else use nginx's own
                    map $http_x_request_id $scaleup_request_id {
                        default $http_x_request_id;
                        ""      $request_id;
                    }
                """;
    }

    private static String retryMap() {
        return """
                    # a request with an Idempotency-Key is safe to send to another app server even after it was sent
                    map $http_idempotency_key $scaleup_retry_any {
                        default 1;
                        ""      0;
                    }
                """;
    }

    /** How long a browser or a cache in front may keep an answer, by its path (see SiteBuild). */
    private static String cacheControlMap() {
        return """
                    # a file named by its content never changes: kept a year without asking; any other file of the
                    # site (the pages, which name those files) is revalidated on every use (ETag, Last-Modified); the
                    # app's answers and the health check get nothing from nginx
                    map $uri $scaleup_cache_control {
                        default        "no-cache";
                        %s  "";
                        ~^/api/        "";
                        "~%s"  "public, max-age=31536000, immutable";
                    }
                """.formatted(HEALTH_PATH, SiteBuild.HASHED_NAME_REGEX);
    }

    private static String logging(HostPaths paths) {
        return """
                    log_format scaleup '$remote_addr [$time_local] "$request" $status $body_bytes_sent '
                                       'rid=$scaleup_request_id upstream=$upstream_addr rt=$request_time';
                    access_log %s scaleup;
                """.formatted(paths.journald() ? JOURNALD : Text.path(accessLog(paths)));
    }

    private static String limits() {
        return """
                    server_tokens off;
                    sendfile on;
                    keepalive_timeout 30;

                    # hostile input: small header buffers (a longer request line is 414, longer headers 400), bodies
                    # up to 64 KB (413 beyond), and clients that send slowly are cut off (408)
                    client_header_buffer_size 1k;
                    large_client_header_buffers 4 8k;
                    client_max_body_size 64k;
                    client_header_timeout 5s;
                    client_body_timeout 5s;
                    send_timeout 10s;
                """;
    }

    /** Every app host; a drained one is marked down. */
    private static String upstream(Topology t, java.util.Set<String> drainedApps) {
        StringBuilder servers = new StringBuilder();
        for (Host app : t.hosts(Role.APP)) {
            servers.append("        server %s:%d max_fails=1 fail_timeout=2s%s;\n".formatted(app.address(), t.app().port(),
                    drainedApps.contains(app.name()) ? " down" : ""));
        }
        return """
                    upstream %s {
                %s        keepalive 32;
                    }
                """.formatted(UPSTREAM, servers);
    }

    private static String server(Topology t, Host host, HostPaths paths) {
        return """
                    server {
                        listen %s:%d;
                        root %s;
                        index index.html;
                """.formatted(host.address(), t.web().port(), Text.path(paths.site()))
                + String.join("\n", securityHeaders(host), healthLocation(), apiLocations(), staticLocations())
                + "    }\n";
    }

    /** nginx's counters for the exporter beside it (monitoring.enabled), on the host's loopback only. */
    private static String statusServer(Topology t) {
        if (!t.monitoring().enabled()) {
            return "";
        }
        return """

                    # the counters prometheus-nginx-exporter reads, on this host's loopback only
                    server {
                        listen 127.0.0.1:%d;
                        access_log off;
                        location = %s {
                            stub_status;
                        }
                        location / {
                            return 404;
                        }
                    }
                """.formatted(Exporters.NGINX_STATUS_PORT, Exporters.NGINX_STATUS_PATH);
    }

    private static String securityHeaders(Host host) {
        return """
                        add_header X-Served-By-Web %s always;
                        # security headers on every answer (no location below has add_header of its own, so these
                        # are inherited everywhere)
                        add_header X-Content-Type-Options "nosniff" always;
                        add_header X-Frame-Options "DENY" always;
                        add_header Referrer-Policy "same-origin" always;
                        add_header Content-Security-Policy "%s" always;
                        # not "always": only on answers that may be cached (200, 204, 206, 301-308)
                        add_header Cache-Control $scaleup_cache_control;
                """.formatted(host.name(), CONTENT_SECURITY_POLICY);
    }

    private static String healthLocation() {
        return """
                        location = %s {
                            access_log off;
                            default_type text/plain;
                            return 200 "ok\\n";
                        }
                """.formatted(HEALTH_PATH);
    }

    /** /api/ to the app tier, with the retry rules that depend on whether the request may be sent twice. */
    private static String apiLocations() {
        return """
                        # to the app tier: keep-alive connections; a failed idempotent request (GET, HEAD, or any
                        # request with an Idempotency-Key) goes to the next app server; others only when the
                        # connection could not be made. Not on a 503: the app answers 503 when the database cannot
                        # serve it (a failover), which is no fault of that app server, and every case listed here
                        # also counts to max_fails: a 503 from each app marked them all down for fail_timeout, and
                        # every request, reads from a healthy replica too, got 502 "no live upstreams" meanwhile
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        proxy_set_header Host $host;
                        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                        proxy_set_header X-Request-Id $scaleup_request_id;
                        proxy_next_upstream_tries 3;
                        proxy_next_upstream_timeout 10s;
                        proxy_connect_timeout 500ms;
                        proxy_read_timeout 30s;

                        location /api/ {
                            error_page 418 = @api_idempotent;
                            if ($scaleup_retry_any) {
                                return 418;
                            }
                            proxy_pass http://%1$s;
                            proxy_next_upstream error timeout http_502 http_504;
                        }

                        location @api_idempotent {
                            proxy_pass http://%1$s;
                            proxy_next_upstream error timeout http_502 http_504 non_idempotent;
                        }
                """.formatted(UPSTREAM);
    }

    private static String staticLocations() {
        return """
                        # static files only from the site's own tree: no symbolic link below it is followed, no
                        # dot file is served, and only GET and HEAD are answered. A client that takes gzip gets the
                        # file's .gz made when the site was built (SiteBuild); other text files are compressed
                        # here, once they are worth it
                        location / {
                            disable_symlinks on from=$document_root;
                            gzip_static on;
                            gzip on;
                            gzip_vary on;
                            gzip_min_length %d;
                            gzip_types text/css application/javascript application/json image/svg+xml text/plain
                                       text/xml application/xml application/manifest+json;
                            limit_except GET HEAD {
                                deny all;
                            }
                            try_files $uri $uri/ =404;
                        }

                        location ~ /\\. {
                            return 404;
                        }
                """.formatted(SiteBuild.GZIP_MIN_BYTES);
    }
}
