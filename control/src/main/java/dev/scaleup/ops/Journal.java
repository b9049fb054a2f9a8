package dev.scaleup.ops;

import dev.scaleup.runtime.StateDir;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

/**
 * The change in flight on a deployment, on disk: written when an operation begins, removed when it ends (also when
 * it fails). A journal whose process is gone names an operation that was killed or interrupted (SIGKILL, Ctrl-C, a
 * crash) between two steps: whatever it left half done (hosts drained in nginx or HAProxy, a standby tagged nosync)
 * is repaired by the next command ({@link Repair}), and until then {@code status} calls the stack degraded.
 *
 * @param operation the command ("deploy", "restart web", …)
 * @param pid the CLI's process
 * @param processStart when that process started (a pid can be reused; the pair cannot)
 * @param since when the operation began
 */
public record Journal(String operation, long pid, String processStart, Instant since) {

    /** The journal of this process's operation {@code name}, begun now. */
    static Journal now(String name) {
        ProcessHandle self = ProcessHandle.current();
        return new Journal(name, self.pid(), startOf(self), Instant.now());
    }

    void write(StateDir state) {
        StateDir.writeAtomically(state.journalFile(), "operation=" + operation + "\npid=" + pid + "\nprocess_start="
                + processStart + "\nsince=" + since + "\n");
    }

    static void remove(StateDir state) {
        try {
            Files.deleteIfExists(state.journalFile());
        } catch (IOException e) {
            throw new OperatorException("cannot remove " + state.journalFile() + ": " + e.getMessage(), e);
        }
    }

    /** The journal on disk, if there is one (an unreadable one counts as an interrupted operation of unknown kind). */
    public static Optional<Journal> read(StateDir state) {
        Path file = state.journalFile();
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            Properties p = new Properties();
            p.load(new StringReader(Files.readString(file)));
            return Optional.of(new Journal(p.getProperty("operation", "?"), Long.parseLong(p.getProperty("pid", "-1")),
                    p.getProperty("process_start", ""), Instant.parse(p.getProperty("since", Instant.EPOCH.toString()))));
        } catch (IOException | RuntimeException e) {
            return Optional.of(new Journal("?", -1, "", Instant.EPOCH));
        }
    }

    /** True while the process that wrote it still runs (the operation is under way, not interrupted). */
    public boolean inProgress() {
        return ProcessHandle.of(pid).map(p -> startOf(p).equals(processStart)).orElse(false);
    }

    /** "an interrupted `deploy` (pid 123, begun 2026-…)". */
    public String describe() {
        return "an interrupted `" + operation + "` (pid " + pid + ", begun " + since + ")";
    }

    private static String startOf(ProcessHandle process) {
        return process.info().startInstant().map(Instant::toString).orElse("");
    }
}
