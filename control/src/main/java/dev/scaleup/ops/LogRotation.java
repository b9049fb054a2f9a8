package dev.scaleup.ops;

import dev.scaleup.render.LogrotateConfig;
import dev.scaleup.runtime.Exec;
import dev.scaleup.runtime.Processes;
import dev.scaleup.runtime.StateDir;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Keeps a netns deployment's log files bounded (issue 15): one loop on this machine, in a session of its own so it
 * outlives the CLI, runs Debian's logrotate over every host's {@code logs/} every {@link
 * LogrotateConfig#INTERVAL_SECONDS} s ({@link LogrotateConfig}). Up starts it when it does not run; down ends it
 * before it removes the hosts. Its files are in the state directory: {@code logrotate.conf}, {@code
 * logrotate.status}, {@code logrotate.pid}, {@code logrotate.log}.
 */
final class LogRotation {

    private LogRotation() {}

    static Path config(StateDir state) {
        return state.real().resolve(LogrotateConfig.FILE);
    }

    private static Path pidFile(StateDir state) {
        return state.real().resolve("logrotate.pid");
    }

    /** Writes the config when it differs and starts the loop when it does not run; a sentence, or null. */
    static String ensure(Deployment deployment) {
        StateDir state = deployment.state();
        Path config = config(state);
        String text = LogrotateConfig.render(deployment.topology(), state.real().resolve("hosts"));
        try {
            if (!Files.exists(config) || !Files.readString(config).equals(text)) {
                StateDir.writeAtomically(config, text);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + config, e);
        }
        if (running(state).isPresent()) {
            return null;
        }
        long pid = start(state);
        return "logs: logrotate every " + LogrotateConfig.INTERVAL_SECONDS + " s keeps each host's log files under "
                + LogrotateConfig.SIZE_MB + " MB plus " + LogrotateConfig.KEEP + " gzipped copies (pid " + pid + ", "
                + config + ")";
    }

    /** The loop's pid, if it runs (the pid file names a live process whose command line names this config). */
    static Optional<Long> running(StateDir state) {
        try {
            long pid = Long.parseLong(Files.readString(pidFile(state)).strip());
            if (!Processes.alive(pid)) {
                return Optional.empty();
            }
            String cmdline = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.UTF_8);
            return cmdline.contains(config(state).toString()) ? Optional.of(pid) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static long start(StateDir state) {
        Path pidFile = pidFile(state);
        try {
            Files.deleteIfExists(pidFile);
            ProcessBuilder builder = new ProcessBuilder(List.of("setsid", "sh", "-c",
                    "echo $$ > \"$0\"; while :; do logrotate --state \"$1\" \"$2\"; sleep \"$3\"; done",
                    pidFile.toString(), state.real().resolve("logrotate.status").toString(), config(state).toString(),
                    Integer.toString(LogrotateConfig.INTERVAL_SECONDS)));
            builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.redirectErrorStream(true);
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(state.real().resolve("logrotate.log").toFile()));
            Process process = builder.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < deadline) {
                Optional<Long> pid = running(state);
                if (pid.isPresent()) {
                    return pid.get();
                }
                if (!process.isAlive()) {
                    break;
                }
                Thread.sleep(10);
            }
            throw new OperatorException("the logrotate loop did not start; see " + state.real().resolve("logrotate.log"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the logrotate loop", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperatorException("interrupted");
        }
    }

    /** Ends the loop and whatever it runs at the moment (its session's process group); a sentence, or null. */
    static String stop(StateDir state) {
        Optional<Long> pid = running(state);
        if (pid.isEmpty()) {
            return null;
        }
        Exec.run(List.of("kill", "-KILL", "--", "-" + pid.get()));
        Processes.waitGone(pid.get(), Duration.ofSeconds(5));
        return "logs: ended the logrotate loop (pid " + pid.get() + ")";
    }
}
