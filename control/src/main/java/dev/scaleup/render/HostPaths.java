package dev.scaleup.render;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * Where one host keeps its files: {@code <state>/hosts/<host>/}. Hosts share one filesystem on one machine,
 * so every config, pid file, socket, log and data directory is under this root.
 */
public record HostPaths(Path root) {

    public HostPaths {
        requireNonNull(root, "root is null");
    }

    public Path conf() {
        return root.resolve("conf");
    }

    public Path conf(String file) {
        return conf().resolve(file);
    }

    /** Data directory (PostgreSQL data, nginx temp files). */
    public Path data() {
        return root.resolve("data");
    }

    public Path logs() {
        return root.resolve("logs");
    }

    public Path log(String process) {
        return logs().resolve(process + ".log");
    }

    /** Sockets and pid files. */
    public Path run() {
        return root.resolve("run");
    }

    public Path pidFile(String process) {
        return run().resolve(process + ".pid");
    }

    /** The static site, copied here so each web host serves its own copy. */
    public Path site() {
        return root.resolve("site");
    }
}
