package dev.scaleup.render;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * Where one host keeps its files. On the netns target ({@link #HostPaths(Path)}) hosts share one filesystem, so every
 * config, pid file, socket, log and data directory is under the host's own root {@code <state>/hosts/<host>/}. On
 * the hosts target ({@link #onServer()}) each host is a machine of its own and its files go where Debian keeps a
 * service's files: configs in {@code /etc/scaleup}, data in {@code /var/lib/scaleup}, sockets and pid files in
 * {@code /run/scaleup}, logs to journald (no log directory: {@link #journald()}).
 *
 * @param root the host's own directory on the netns target; {@code /var/lib/scaleup} on a server
 * @param conf the configs the renderers make
 * @param data the data directory (PostgreSQL data, etcd, nginx temp files)
 * @param logs the log directory, or null when processes log to journald
 * @param run sockets and pid files
 * @param site the static site, copied here so each web host serves its own copy
 */
public record HostPaths(Path root, Path conf, Path data, Path logs, Path run, Path site) {

    /** A server's layout (the hosts target): the same for every host. */
    private static final HostPaths SERVER = new HostPaths(Path.of("/var/lib/scaleup"), Path.of("/etc/scaleup"),
            Path.of("/var/lib/scaleup"), null, Path.of("/run/scaleup"), Path.of("/var/lib/scaleup/site"));

    public HostPaths {
        requireNonNull(root, "root is null");
        requireNonNull(conf, "conf is null");
        requireNonNull(data, "data is null");
        requireNonNull(run, "run is null");
        requireNonNull(site, "site is null");
    }

    /** The netns layout: {@code conf/ data/ logs/ run/ site/} under the host's root. */
    public HostPaths(Path root) {
        this(root, root.resolve("conf"), root.resolve("data"), root.resolve("logs"), root.resolve("run"),
                root.resolve("site"));
    }

    /** The layout of a real server (hosts target). */
    public static HostPaths onServer() {
        return SERVER;
    }

    public Path conf(String file) {
        return conf().resolve(file);
    }

    /** True when processes log to journald (a server) rather than to files in {@link #logs()}. */
    public boolean journald() {
        return logs == null;
    }

    /** The log directory; only when not {@link #journald()}. */
    @Override
    public Path logs() {
        if (logs == null) {
            throw new IllegalStateException("no log directory: processes on a server log to journald");
        }
        return logs;
    }

    public Path log(String process) {
        return logs().resolve(process + ".log");
    }

    public Path pidFile(String process) {
        return run().resolve(process + ".pid");
    }
}
