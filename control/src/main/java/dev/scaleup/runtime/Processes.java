package dev.scaleup.runtime;

import dev.scaleup.render.HostPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Starts server processes inside a host's namespace so that they outlive the CLI, finds them again by pid file,
 * and stops them (stop signal, a deadline, then KILL).
 *
 * <pre>
 *   start:  ip netns exec NS setsid sh -c 'echo $$ > PIDFILE; exec "$@"' PIDFILE [setpriv --reuid USER ...] ARGV
 *           stdout+stderr appended to logs/NAME.log, stdin /dev/null or the spec's stdin file (opened here, as
 *           root: an unprivileged server reads a secret it cannot open itself)
 *   find:   pid file → /proc/PID exists, its executable is ARGV[0], and it lives in namespace NS
 *   stop:   kill -STOPSIGNAL PID → wait deadline → kill -KILL PID
 * </pre>
 */
public final class Processes {

    private Processes() {
    }

    /**
     * sh writes its pid (the server's, once it execs) into the pid file given as $0. With {@link ProcessSpec#logPipe},
     * it first makes a FIFO next to the pid file and starts {@code cat}, which appends what comes through it to the log
     * file (opened with O_APPEND, which the server cannot take away), in a subshell that leaves it to init rather than
     * to the server; the server's output then goes into the FIFO. The cat ends when the last writer (the server and
     * its children) has closed it.
     */
    static final String PIPED_LOG = "echo $$ > \"$0\"; f=\"${0%.pid}-log.fifo\"; l=\"$1\"; shift; rm -f \"$f\"; "
            + "mkfifo -m 600 \"$f\" || exit 1; (cat \"$f\" >> \"$l\" &); exec \"$@\" > \"$f\" 2>&1";

    public static List<String> startCommand(String namespace, HostPaths paths, ProcessSpec spec) {
        List<String> command = new ArrayList<>(List.of(
                "ip", "netns", "exec", namespace, "setsid", "sh", "-c",
                spec.logPipe() ? PIPED_LOG : "echo $$ > \"$0\"; exec \"$@\"", paths.pidFile(spec.name()).toString()));
        if (spec.logPipe()) {
            command.add(paths.log(spec.name()).toString());
        }
        if (spec.user() != null) {
            command.addAll(List.of("setpriv", "--reuid=" + spec.user(), "--regid=" + spec.user(), "--init-groups"));
        }
        command.addAll(spec.argv());
        return List.copyOf(command);
    }

    /** Starts the process and returns its pid once the pid file names it. */
    public static long start(String namespace, HostPaths paths, ProcessSpec spec) {
        try {
            Files.createDirectories(paths.run());
            Files.createDirectories(paths.logs());
            Path pidFile = paths.pidFile(spec.name());
            Files.deleteIfExists(pidFile);
            ProcessBuilder builder = new ProcessBuilder(startCommand(namespace, paths, spec));
            builder.environment().putAll(spec.env());
            builder.redirectInput(ProcessBuilder.Redirect.from(
                    spec.stdin() == null ? new java.io.File("/dev/null") : spec.stdin().toFile()));
            builder.redirectErrorStream(true);
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(paths.log(spec.name()).toFile()));
            Process process = builder.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < deadline) {
                Optional<Long> pid = readPid(pidFile);
                // the pid file is written by sh before it execs (through setpriv) into the server: wait for the server
                if (pid.isPresent() && isThe(pid.get(), namespace, spec.executableName())) {
                    return pid.get();
                }
                if (!process.isAlive()) {
                    break;
                }
                Thread.sleep(10);
            }
            throw new IllegalStateException(spec.name() + " in " + namespace + " did not start (exit "
                    + (process.isAlive() ? "none" : process.exitValue()) + "); see " + paths.log(spec.name()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + spec.name() + " in " + namespace + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The pid of the running process, if the pid file names a live process that is really this one. */
    public static Optional<Long> running(String namespace, HostPaths paths, ProcessSpec spec) {
        return readPid(paths.pidFile(spec.name())).filter(pid -> isThe(pid, namespace, spec.executableName()));
    }

    static boolean isThe(long pid, String namespace, String executableName) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            if (!alive(pid)) {
                return false;
            }
            String exe = Files.readSymbolicLink(proc.resolve("exe")).getFileName().toString();
            if (!exe.equals(executableName)) {
                return false;
            }
            String procNs = Files.readSymbolicLink(proc.resolve("ns/net")).toString();
            return procNs.equals(ProcFs.networkNamespaceLink(Path.of("/run/netns", namespace)));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Stops the process if it runs; returns a sentence saying what happened. */
    public static String stop(String namespace, HostPaths paths, ProcessSpec spec, Duration deadline) {
        Optional<Long> pid = running(namespace, paths, spec);
        if (pid.isEmpty()) {
            return spec.name() + " was not running";
        }
        String how = terminate(pid.get(), spec.stopSignal(), deadline);
        try {
            Files.deleteIfExists(paths.pidFile(spec.name()));
        } catch (IOException ignored) {
            // a stale pid file is harmless: it is verified before it is trusted
        }
        return spec.name() + " (pid " + pid.get() + ") " + how;
    }

    /**
     * Sends the signal, waits up to the deadline for the process to exit, then KILLs. Returns "stopped" or "killed
     * after N s". An exited process may stay a zombie until its parent (init) reaps it: see {@link #awaitReaped}.
     */
    public static String terminate(long pid, String signal, Duration deadline) {
        Exec.run(List.of("kill", "-s", signal, Long.toString(pid)));
        String how = "stopped";
        if (!waitGone(pid, deadline)) {
            Exec.run(List.of("kill", "-s", "KILL", Long.toString(pid)));
            waitGone(pid, Duration.ofSeconds(5));
            how = "killed after " + deadline.toSeconds() + " s";
        }
        return how;
    }

    /** KILL to every one of them at once, then waits (bounded) until none is alive. */
    public static void killAll(List<Long> pids, Duration deadline) {
        sigkill(pids);
        long end = System.nanoTime() + deadline.toNanos();
        for (long pid : pids) {
            waitGone(pid, Duration.ofNanos(Math.max(0, end - System.nanoTime())));
        }
    }

    /**
     * KILL to every one of them, with kill(2) from this process (no kill program started for it); one that is gone is
     * skipped, and a pid used again by another process is not signalled (ProcessHandle checks its start time).
     */
    public static void sigkill(List<Long> pids) {
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** {@link #name} of a process that is gone. */
    public static final String GONE = "?";

    /** The process's command name ({@code /proc/PID/comm}), or {@link #GONE}. */
    public static String name(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip();
        } catch (IOException e) {
            return GONE;
        }
    }

    /** How long down waits for the processes it stopped to be reaped (to leave the process table). */
    public static final Duration REAP_DEADLINE = Duration.ofSeconds(2);

    /**
     * Waits until the exited processes are gone from the process table, all at once, bounded: a zombie still shows in
     * {@code ps}, so down would leave something behind for a moment. Their parent is init, which reaps them soon, or
     * late: this machine's init reaped an orphan 1.2-1.3 s after it exited, and a wait of its own after each stop
     * added up over the stops one after another.
     */
    public static void awaitReaped(java.util.Collection<Long> pids, Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        List<Path> procs = pids.stream().map(pid -> Path.of("/proc", Long.toString(pid))).toList();
        while (procs.stream().anyMatch(Files::exists) && System.nanoTime() < end) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    public static boolean waitGone(long pid, Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() < end) {
            if (!alive(pid)) {
                return true;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !alive(pid);
    }

    /** True while the process exists and is not a zombie waiting to be reaped. */
    public static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int close = stat.lastIndexOf(')');
            return close > 0 && close + 2 < stat.length() && stat.charAt(close + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }

    static Optional<Long> readPid(Path pidFile) {
        try {
            String text = Files.readString(pidFile).strip();
            if (text.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(Long.parseLong(text.lines().findFirst().orElse("").strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The last lines of a log file, for error messages. */
    public static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log at " + log + ")";
        }
    }
}
