package dev.scaleup.runtime;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * A long-running server process of a host.
 *
 * @param name short name: pid file, log file and status use it (haproxy, keepalived, nginx, app, postgres)
 * @param argv the command, foreground (the process must not daemonize: its pid is the one in the pid file)
 * @param user run as this user (via setpriv), or null for root
 * @param env extra environment variables
 * @param stopSignal the signal that asks for a clean, quick stop (TERM; INT for PostgreSQL's fast shutdown)
 */
public record ProcessSpec(String name, List<String> argv, String user, Map<String, String> env, String stopSignal) {

    public ProcessSpec {
        requireNonNull(name, "name is null");
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
        requireNonNull(stopSignal, "stopSignal is null");
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("argv is empty");
        }
    }

    public static ProcessSpec of(String name, List<String> argv) {
        return new ProcessSpec(name, argv, null, Map.of(), "TERM");
    }

    /** File name of the executable, to check that a pid really is this process. */
    public String executableName() {
        String exe = argv.get(0);
        return exe.substring(exe.lastIndexOf('/') + 1);
    }
}
