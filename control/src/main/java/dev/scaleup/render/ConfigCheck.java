package dev.scaleup.render;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The command lines that make each tool check a rendered config without starting it ({@code sh -n} for a script). Pure: argv only; the caller runs
 * it, as root, with the file already written to {@link HostPaths#conf()}, and treats a non-zero exit as a broken config
 * (the tools print why on stdout/stderr). The nginx and keepalived checks only pass inside the host's namespace with
 * eth0 up and addressed (see {@link #nginx(HostPaths)}, {@link #keepalived(HostPaths)}); the others do not care.
 *
 * <p>Programs are named bare ({@code haproxy}, {@code nginx}, {@code keepalived}, {@code runuser}, {@code postgres})
 * to be found on PATH; the overloads taking {@code program} map each bare name to the executable to use instead (e.g.
 * {@code postgres} to {@code /usr/lib/postgresql/15/bin/postgres}).
 */
public final class ConfigCheck {

    private ConfigCheck() {}

    /**
     * The check for this file, or empty when no tool can check it offline (app.properties, pg_hba.conf, pg_ident.conf,
     * bootstrap.sql).
     */
    public static Optional<List<String>> command(RenderedFile file, HostPaths paths) {
        return command(file.name(), paths, UnaryOperator.identity());
    }

    public static Optional<List<String>> command(RenderedFile file, HostPaths paths, UnaryOperator<String> program) {
        return command(file.name(), paths, program);
    }

    public static Optional<List<String>> command(String fileName, HostPaths paths, UnaryOperator<String> program) {
        return switch (fileName) {
            case HaproxyConfig.FILE -> Optional.of(haproxy(paths, program));
            case NginxConfig.FILE -> Optional.of(nginx(paths, program));
            case KeepalivedConfig.FILE -> Optional.of(keepalived(paths, program));
            case PatroniConfig.FILE -> Optional.of(patroni(paths, program));
            case FirewallConfig.FILE -> Optional.of(nft(paths, program));
            case VipCheck.FILE -> Optional.of(List.of(program.apply("sh"), "-n", paths.conf(VipCheck.FILE).toString()));
            case VrrpNotify.FILE -> Optional.of(List.of(program.apply("sh"), "-n", paths.conf(VrrpNotify.FILE).toString()));
            case RoleChange.FILE -> Optional.of(List.of(program.apply("sh"), "-n", paths.conf(RoleChange.FILE).toString()));
            case LeaderWatch.FILE -> Optional.of(LeaderWatch.check(paths, program));
            // promtool reads the rule files prometheus.yml names (alerts.yml) and checks them too
            case PrometheusConfig.FILE -> Optional.of(List.of(program.apply("promtool"), "check", "config",
                    paths.conf(PrometheusConfig.FILE).toString()));
            case PrometheusConfig.ALERTMANAGER_FILE -> Optional.of(List.of(program.apply("amtool"), "check-config",
                    paths.conf(PrometheusConfig.ALERTMANAGER_FILE).toString()));
            default -> Optional.empty();
        };
    }

    /** {@code haproxy -c} checks and exits, binding nothing; {@code -dW} turns warnings into errors. */
    public static List<String> haproxy(HostPaths paths) {
        return haproxy(paths, UnaryOperator.identity());
    }

    public static List<String> haproxy(HostPaths paths, UnaryOperator<String> program) {
        return List.of(program.apply("haproxy"), "-c", "-dW", "-f", paths.conf(HaproxyConfig.FILE).toString());
    }

    /**
     * {@code nginx -t} parses the config, opens its log files, creates its temp directories (so {@code data/} and
     * {@code logs/} must exist) and test-binds its {@code listen} address: "address in use" is tolerated (a running
     * nginx), "cannot assign requested address" is not, so it must run inside the host's namespace once eth0 has the
     * host's address. Writes no pid file. Needs root because of {@code user www-data} (as non-root it only warns and
     * ignores the directive). {@code -e} keeps nginx off its compiled-in error log.
     */
    public static List<String> nginx(HostPaths paths) {
        return nginx(paths, UnaryOperator.identity());
    }

    public static List<String> nginx(HostPaths paths, UnaryOperator<String> program) {
        if (paths.journald()) { // a server: as nginx.service's ExecStartPre checks it (nginx logs to journald there)
            return List.of(program.apply("nginx"), "-t", "-q", "-c", paths.conf(NginxConfig.FILE).toString());
        }
        return List.of(program.apply("nginx"), "-t",
                "-e", NginxConfig.errorLog(paths).toString(),
                "-c", paths.conf(NginxConfig.FILE).toString(),
                "-p", paths.root() + "/");
    }

    /**
     * {@code keepalived -t} checks and exits without touching pid files; {@code -e} makes a missing config file an
     * error (without it keepalived 2.2.7 exits 0). It also fails (exit 5) when the configured interface {@code eth0}
     * does not exist, so the runtime runs this inside the host's namespace.
     */
    public static List<String> keepalived(HostPaths paths) {
        return keepalived(paths, UnaryOperator.identity());
    }

    public static List<String> keepalived(HostPaths paths, UnaryOperator<String> program) {
        return List.of(program.apply("keepalived"), "-t", "-e", "-f", paths.conf(KeepalivedConfig.FILE).toString());
    }

    /**
     * {@code patroni --validate-config} checks the schema and values of patroni.yml (addresses, directories, the
     * PostgreSQL binaries) and exits. It reads the file as the postgres user, which Patroni runs as.
     */
    public static List<String> patroni(HostPaths paths) {
        return patroni(paths, UnaryOperator.identity());
    }

    public static List<String> patroni(HostPaths paths, UnaryOperator<String> program) {
        return List.of(program.apply("runuser"), "-u", "postgres", "--",
                program.apply("patroni"), "--validate-config", paths.conf(PatroniConfig.FILE).toString());
    }

    /**
     * {@code nft -c -f} parses the rules and has the kernel check them without committing anything (root needed, no
     * namespace needed; the runtime runs it inside the host's namespace anyway).
     */
    public static List<String> nft(HostPaths paths) {
        return nft(paths, UnaryOperator.identity());
    }

    public static List<String> nft(HostPaths paths, UnaryOperator<String> program) {
        return List.of(program.apply("nft"), "-c", "-f", paths.conf(FirewallConfig.FILE).toString());
    }

    /**
     * Whether a non-zero exit still means the file is fine. patroni --validate-config also tries to bind the REST and
     * PostgreSQL ports: on a host where Patroni runs already (a reload), "Port N is already in use" is expected.
     */
    public static boolean acceptable(String fileName, String output) {
        if (!fileName.equals(PatroniConfig.FILE)) {
            return false;
        }
        java.util.List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
        return !lines.isEmpty() && lines.stream().allMatch(l -> l.matches(".*didn't pass validation: 'Port \\d+ is already in use\\.'"));
    }
}
