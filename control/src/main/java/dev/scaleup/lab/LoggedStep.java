package dev.scaleup.lab;

import static java.util.Objects.requireNonNull;

import dev.scaleup.ops.OperatorException;
import dev.scaleup.ops.Progress;
import dev.scaleup.runtime.Exec;
import dev.scaleup.runtime.Processes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A long command (debootstrap, apt-get) run through {@link Exec} with its output appended to a log file, and a
 * progress line every 10 s with the log's last line, so a build of minutes shows what it is doing.
 */
final class LoggedStep {

    private static final long EVERY_SECONDS = 10;
    private final Progress progress;
    private final Path log;

    LoggedStep(Progress progress, Path log) {
        this.progress = requireNonNull(progress, "progress is null");
        this.log = requireNonNull(log, "log is null");
    }

    /** Runs the command to completion; throws with the log's tail when it fails or outlives the timeout. */
    void run(String what, List<String> command, Duration timeout) {
        List<String> logged = new ArrayList<>(List.of("sh", "-c", "exec \"$@\" >>\"$0\" 2>&1", log.toString()));
        logged.addAll(command);
        CompletableFuture<Exec.Result> result = CompletableFuture.supplyAsync(
                () -> Exec.run(logged, timeout, null), Thread::startVirtualThread);
        long start = System.nanoTime();
        while (true) {
            try {
                Exec.Result done = result.get(EVERY_SECONDS, TimeUnit.SECONDS);
                if (!done.ok()) {
                    throw new OperatorException(what + " failed (exit " + done.exitCode() + "); the end of " + log
                            + ":\n" + Processes.tail(log, 15));
                }
                return;
            } catch (TimeoutException e) {
                progress.step(String.format("%s: %d s, %s", what, (System.nanoTime() - start) / 1_000_000_000L,
                        Processes.tail(log, 1).strip()));
            } catch (ExecutionException e) {
                throw new OperatorException(what + " failed: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OperatorException("interrupted during " + what, e);
            }
        }
    }
}
