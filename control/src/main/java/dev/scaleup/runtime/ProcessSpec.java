package dev.scaleup.runtime;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A long-running server process of a host.
 *
 * @param name short name: pid file, log file and status use it (haproxy, keepalived, nginx, app, patroni, etcd)
 * @param argv the command, foreground (the process must not daemonize: its pid is the one in the pid file)
 * @param user run as this user (via setpriv), or null for root
 * @param env extra environment variables
 * @param stopSignal the signal that asks for a clean, quick stop (TERM; INT for PostgreSQL's fast shutdown)
 * @param executable file name of the program the pid must be running (null: the file name of argv[0]); differs for
 *     scripts, e.g. the backup schedule (a Python script) runs as python3.11
 * @param parent name of the process of the same host that starts this one (null: the runtime starts it); such a
 *     process writes its own pid file and is brought back by restarting its parent
 * @param stdin a file the runtime opens (as root) and gives the process as its standard input, or null for
 *     /dev/null: how a process that runs as an unprivileged user reads a secret file it may not open itself
 * @param logPipe where processes log to files: the process writes its output into a pipe that a {@code cat} appends
 *     to the log file, instead of into the file itself. For a server that clears O_APPEND on its output (HAProxy sets
 *     O_NONBLOCK with F_SETFL, which drops every other flag): it would write on at its old offset after logrotate's
 *     copytruncate, leaving a hole as big as the file was, so the file would stay "too big" and be rotated away
 *     every 15 s
 */
public record ProcessSpec(String name, List<String> argv, String user, Map<String, String> env, String stopSignal,
                          String executable, String parent, Path stdin,
                          boolean logPipe) {

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
        return new ProcessSpec(name, argv, null, Map.of(), "TERM", null, null, null, false);
    }

    public ProcessSpec asUser(String newUser) {
        return new ProcessSpec(name, argv, newUser, env, stopSignal, executable, parent, stdin, logPipe);
    }

    public ProcessSpec withStopSignal(String signal) {
        return new ProcessSpec(name, argv, user, env, signal, executable, parent, stdin, logPipe);
    }

    public ProcessSpec withExecutable(String fileName) {
        return new ProcessSpec(name, argv, user, env, stopSignal, fileName, parent, stdin, logPipe);
    }

    /** A process that {@code parentName} starts (argv is then only what the parent runs, for the record). */
    public ProcessSpec startedBy(String parentName) {
        return new ProcessSpec(name, argv, user, env, stopSignal, executable, parentName, stdin, logPipe);
    }

    /** The process reads this file (opened by the runtime, as root) on its standard input. */
    public ProcessSpec withStdin(Path file) {
        return new ProcessSpec(name, argv, user, env, stopSignal, executable, parent, file, logPipe);
    }

    /** With these environment variables (besides the runtime's). */
    public ProcessSpec withEnv(Map<String, String> newEnv) {
        return new ProcessSpec(name, argv, user, newEnv, stopSignal, executable, parent, stdin, logPipe);
    }

    /** The process logs through a pipe ({@code logPipe}). */
    public ProcessSpec withLogPipe() {
        return new ProcessSpec(name, argv, user, env, stopSignal, executable, parent, stdin, true);
    }

    public boolean supervised() {
        return parent != null;
    }

    /** File name of the executable, to check that a pid really is this process. */
    public String executableName() {
        if (executable != null) {
            return executable;
        }
        String exe = argv.get(0);
        return exe.substring(exe.lastIndexOf('/') + 1);
    }
}
