package dev.scaleup.ansible;

import dev.scaleup.render.AppProperties;
import dev.scaleup.render.BackupSchedule;
import dev.scaleup.render.Etcd;
import dev.scaleup.render.Exporters;
import dev.scaleup.render.FirewallConfig;
import dev.scaleup.render.HaproxyConfig;
import dev.scaleup.render.HostPaths;
import dev.scaleup.render.LeaderWatch;
import dev.scaleup.render.NginxConfig;
import dev.scaleup.render.PatroniConfig;
import dev.scaleup.render.PgBackRestConfig;
import dev.scaleup.render.PgBouncerConfig;
import dev.scaleup.render.PrometheusConfig;
import dev.scaleup.render.RenderedFile;
import dev.scaleup.render.VrrpNotify;
import dev.scaleup.runtime.HostsTarget;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The systemd side of a server: drop-ins that point Debian's own units (haproxy, nginx, patroni, etcd) at scaleup's
 * files, scaleup's own unit where the package has none (the app), the run directory for systemd-tmpfiles and
 * {@code /etc/nftables.conf}. Pure: the files go into the project's {@code host_files/<host>/}.
 */
final class Units {

    /** The release an app server runs: a link to {@code /opt/scaleup/releases/<release>} (the role unpacks it there). */
    static final Path APP_HOME = Path.of("/opt/scaleup/current");
    static final Path APP_RUNTIME = APP_HOME.resolve("runtime");
    static final Path APP_JAR = APP_HOME.resolve("app/app.jar");
    /** Made for the release's runtime and jar when the bundle was (ops.AotCache): the JVM's start maps it. */
    static final Path APP_AOT_CACHE = APP_HOME.resolve("app/app.aot");
    static final String APP_USER = AppProperties.SERVER_USER;

    /** The drop-in that points Debian's pgbackrest.service at scaleup's config (db hosts with backups, backup1). */
    static final String PGBACKREST_DROP_IN = "pgbackrest.service.conf";
    /** The drop-in that points Debian's pgbouncer.service at scaleup's config (db hosts with db.pooler). */
    static final String PGBOUNCER_DROP_IN = "pgbouncer.service.conf";

    private Units() {}

    static List<RenderedFile> forHost(Topology t, Host host, boolean appAotCache) {
        HostPaths paths = HostPaths.onServer();
        List<RenderedFile> files = new ArrayList<>();
        switch (host.role()) {
            case LB -> files.add(file("haproxy.service.conf", t, host, """
                    # Debian's haproxy.service (master-worker, reload = check then USR2), pointed at scaleup's config.
                    # keepalived is a program of HAProxy's master: no keepalived.service.
                    [Service]
                    Environment="CONFIG=%s" "PIDFILE=%s"
                    # A HAProxy that died, however (its keepalived dies with it, SIGKILLed), leaves the VIP on this
                    # host, which then answers ARP for it beside the new holder and resets the clients' connections:
                    # released as soon as the unit stops ('-': not there is fine)
                    ExecStopPost=-/sbin/ip -4 addr del %s/%d dev %s
                    """.formatted(paths.conf(HaproxyConfig.FILE), paths.pidFile("haproxy"), t.network().vip(),
                    t.network().subnet().prefix(), t.hostInterface())));
            case WEB -> files.add(file("nginx.service.conf", t, host, """
                    # Debian's nginx.service, running scaleup's nginx.conf, which keeps nginx in the foreground
                    # (daemon off): a plain start instead of the package's forking one; reload checks, then HUP;
                    # stop is a graceful QUIT.
                    [Service]
                    Type=exec
                    PIDFile=%2$s
                    ExecStartPre=
                    ExecStartPre=/usr/sbin/nginx -t -q -c %1$s
                    ExecStart=
                    ExecStart=/usr/sbin/nginx -c %1$s
                    ExecReload=
                    ExecReload=/usr/sbin/nginx -t -q -c %1$s
                    ExecReload=/bin/kill -HUP $MAINPID
                    ExecStop=
                    KillSignal=SIGQUIT
                    """.formatted(paths.conf(NginxConfig.FILE), NginxConfig.pidFile(paths))));
            case APP -> files.add(file("scaleup-app.service", t, host, """
                    [Unit]
                    Description=scaleup application server %s
                    After=network-online.target
                    Wants=network-online.target

                    [Service]
                    Type=exec
                    User=%s
                    Group=%s
                    ExecStart=%s
                    # the properties hold secrets the app user may not read: systemd opens them and the app reads
                    # them on standard input (--config -)
                    StandardInput=file:%s
                    # the JVM exits with 143 on SIGTERM
                    SuccessExitStatus=143
                    Restart=on-failure
                    RestartSec=1

                    [Install]
                    WantedBy=multi-user.target
                    """.formatted(host.name(), APP_USER, APP_USER, String.join(" ",
                    appAotCache ? AppProperties.command(t, APP_RUNTIME.resolve("bin/java"), APP_JAR, APP_AOT_CACHE)
                            : AppProperties.command(t, APP_RUNTIME.resolve("bin/java"), APP_JAR)),
                    paths.conf(AppProperties.FILE))));
            case DB -> {
                files.add(file("patroni.service.conf", t, host, """
                        # Debian's patroni.service (as postgres, reload = HUP), running scaleup's patroni.yml, with
                        # the watch that wakes Patroni when the leader key goes (leader-watch.py) beside it: sh starts
                        # the watch, then becomes Patroni (the unit's main pid); the watch ends when Patroni does
                        [Unit]
                        ConditionPathExists=
                        ConditionPathExists=%1$s

                        [Service]
                        ExecStart=
                        ExecStart=%2$s
                        # journald names the lines by the program started, sh, without this
                        SyslogIdentifier=patroni
                        """.formatted(paths.conf(PatroniConfig.FILE), LeaderWatch.systemdCommand(paths))));
                if (PgBouncerConfig.applies(t, host)) {
                    files.add(file(PGBOUNCER_DROP_IN, t, host, """
                            # Debian's pgbouncer.service (as postgres, Type=notify, reload = HUP), running scaleup's
                            # pgbouncer.ini; restarted if it dies: the app servers reach PostgreSQL only through it
                            [Service]
                            ExecStart=
                            ExecStart=/usr/sbin/pgbouncer %s
                            Restart=on-failure
                            RestartSec=1
                            """.formatted(paths.conf(PgBouncerConfig.FILE))));
                }
                if (Etcd.isMember(t, host)) {
                    files.add(file("etcd.service.conf", t, host, """
                            # Debian's etcd.service (as etcd, Type=notify), running this member's command line; the
                            # package's environment would name a member and a data directory of its own
                            [Service]
                            UnsetEnvironment=ETCD_NAME ETCD_DATA_DIR
                            ExecStart=
                            ExecStart=%s
                            """.formatted(String.join(" ", Etcd.command(t, host, paths)))));
                }
            }
            case BACKUP -> files.add(file("scaleup-backup-schedule.service", t, host, """
                    [Unit]
                    Description=scaleup's backup schedule of deployment %s (pgBackRest backups when due)
                    After=network-online.target pgbackrest.service
                    Wants=network-online.target

                    [Service]
                    Type=exec
                    User=postgres
                    Group=postgres
                    ExecStart=%s
                    Restart=always
                    RestartSec=5

                    [Install]
                    WantedBy=multi-user.target
                    """.formatted(t.name(), String.join(" ", BackupSchedule.command(paths)))));
        }
        if (host.role() == Role.MON) {
            files.add(dropIn(t, host, "prometheus", PrometheusConfig.prometheusCommand(host, paths), Map.of()));
            files.add(dropIn(t, host, "prometheus-alertmanager", PrometheusConfig.alertmanagerCommand(host, paths),
                    Map.of()));
        }
        for (String exporter : Exporters.processes(t, host)) {
            String unit = HostsTarget.unit(exporter).orElseThrow();
            files.add(switch (exporter) {
                case Exporters.NODE_PROCESS -> dropIn(t, host, unit, Exporters.nodeCommand(t, host, paths), Map.of());
                case Exporters.NGINX_PROCESS -> dropIn(t, host, unit, Exporters.nginxCommand(host), Map.of());
                case Exporters.POSTGRES_PROCESS -> dropIn(t, host, unit, Exporters.postgresCommand(host),
                        Map.of("DATA_SOURCE_NAME", Exporters.postgresDataSource(t, paths)));
                default -> throw new IllegalStateException("no exporter " + exporter);
            });
        }
        boolean pgBackRest = host.role() == Role.BACKUP || host.role() == Role.DB && t.backup().enabled();
        if (pgBackRest) {
            files.add(file(PGBACKREST_DROP_IN, t, host, """
                    # Debian's pgbackrest.service (as postgres, Restart=always), running the TLS server with
                    # scaleup's pgbackrest.conf; without the package's 3 s sleep after the start (the role's gate
                    # waits for the port instead)
                    [Service]
                    ExecStart=
                    ExecStart=%s
                    ExecStartPost=
                    """.formatted(String.join(" ", PgBackRestConfig.serverCommand(paths)))));
        }
        String owner = host.role() == Role.DB || host.role() == Role.BACKUP ? "postgres" : "root";
        String chroot = host.role() == Role.LB
                ? "# the empty directory HAProxy's workers are chrooted to\nd %s 0755 root root -\n".formatted(HaproxyConfig.chroot(paths))
                : "";
        String lock = pgBackRest
                ? "# pgBackRest's lock-path\nd %s 0750 postgres postgres -\n".formatted(paths.run().resolve("pgbackrest"))
                : "";
        String textfile = !t.monitoring().enabled() ? ""
                : host.role() == Role.LB
                ? "# keepalived's state for node-exporter (vrrp-notify.sh writes it)\nd %s 0755 root root -\n"
                .formatted(VrrpNotify.textfileDir(paths))
                : host.role() == Role.BACKUP
                ? "# the newest backups for node-exporter (the backup schedule writes them)\nd %s 0755 postgres postgres -\n"
                .formatted(BackupSchedule.textfileDir(paths))
                : "";
        files.add(file("tmpfiles.conf", t, host, """
                # scaleup's sockets and pid files: made again at every boot (systemd-tmpfiles)
                d %s 0755 %s %s -
                """.formatted(paths.run(), owner, owner) + chroot + lock + textfile));
        files.add(new RenderedFile("nftables.conf", "#!/usr/sbin/nft -f\n" + banner(t, host) + """
                # nftables.service loads scaleup's table, which replaces only itself: no `flush ruleset`, so other
                # tables on this server stay
                include "%s"
                """.formatted(paths.conf(FirewallConfig.FILE)), RenderedFile.PUBLIC));
        return List.copyOf(files);
    }

    /**
     * The drop-in ({@code UNIT.service.conf}, installed as {@code /etc/systemd/system/UNIT.service.d/scaleup.conf})
     * that runs one of Debian's prometheus units with scaleup's command line. The package's environment file goes:
     * its variables would override the drop-in's (postgres-exporter's names an empty data source).
     */
    static RenderedFile dropIn(Topology t, Host host, String unit, List<String> command, Map<String, String> env) {
        StringBuilder environment = new StringBuilder();
        env.forEach((k, v) -> environment.append("Environment=\"").append(k).append('=').append(v).append("\"\n"));
        return file(unit + ".service.conf", t, host, """
                # Debian's %s.service (as prometheus), running scaleup's command line instead of the package's $ARGS
                [Service]
                EnvironmentFile=
                %sExecStart=
                ExecStart=%s
                """.formatted(unit, environment, String.join(" ", command)));
    }

    private static RenderedFile file(String name, Topology t, Host host, String body) {
        return new RenderedFile(name, banner(t, host) + body, RenderedFile.PUBLIC);
    }

    private static String banner(Topology t, Host host) {
        return "# generated by scaleup for " + host.name() + " of deployment " + t.name() + "; do not edit\n";
    }
}
