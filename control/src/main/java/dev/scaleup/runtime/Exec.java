package dev.scaleup.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a short command to completion and captures its output. Long-running servers go through {@link Processes}. */
public final class Exec {

    private Exec() {
    }

    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** Throws with the command and its output when the exit code is not 0. */
        public Result orThrow() {
            if (!ok()) {
                throw new RuntimeException("command failed (exit " + exitCode + "): " + String.join(" ", command)
                        + (stderr.isBlank() ? "" : "\n" + stderr.strip())
                        + (stdout.isBlank() ? "" : "\n" + stdout.strip()));
            }
            return this;
        }
    }

    public static Result run(List<String> command) {
        return run(command, Duration.ofSeconds(60), null);
    }

    public static Result run(List<String> command, Duration timeout, String stdin) {
        return run(command, java.util.Map.of(), timeout, stdin);
    }

    /** Runs the command with {@code env} added to this process's environment (a secret there, never on the command line). */
    public static Result run(List<String> command, java.util.Map<String, String> env, Duration timeout, String stdin) {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        if (stdin == null) {
            builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        try {
            Process process = builder.start();
            if (stdin != null) {
                try (var in = process.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            CompletableFuture<String> out = drain(process.getInputStream());
            CompletableFuture<String> err = drain(process.getErrorStream());
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                return new Result(command, 124, out.getNow(""), "timed out after " + timeout.toSeconds() + " s");
            }
            return new Result(command, process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            return new Result(command, 127, "", "cannot run " + command.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeException("interrupted while running " + String.join(" ", command), e);
        }
    }

    /**
     * Runs a long command in {@code dir}, handing each line of its standard output to {@code lines} as it comes
     * (progress of a playbook run); returns its exit code and standard error once it ends.
     */
    public static Result stream(List<String> command, java.util.Map<String, String> env, java.nio.file.Path dir,
                                java.util.function.Consumer<String> lines) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().putAll(env);
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        try {
            Process process = builder.start();
            CompletableFuture<String> err = drain(process.getErrorStream());
            try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    lines.accept(line);
                }
            }
            return new Result(command, process.waitFor(), "", err.join());
        } catch (IOException e) {
            return new Result(command, 127, "", "cannot run " + command.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeException("interrupted while running " + String.join(" ", command), e);
        }
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, Thread::startVirtualThread);
    }
}
