package dev.scaleup.render;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finding and running the real tools in tests. A missing tool or missing root skips the test with the reason, except
 * when the environment variable CI is "true": there the test fails, so a broken CI image cannot hide the checks.
 */
public final class Tools {

    static final List<Path> EXTRA_DIRS = List.of(
            Path.of("/usr/sbin"), Path.of("/sbin"), Path.of("/usr/local/sbin"), Path.of("/usr/lib/postgresql/15/bin"));

    private Tools() {}

    public record Result(int exitCode, String output) {}

    static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Skips (or fails on CI) with this reason. */
    public static void unavailable(String reason) {
        if (ci()) {
            fail(reason + " (CI=true, so this is a failure rather than a skip)");
        }
        abort(reason);
    }

    static Optional<Path> find(String program) {
        List<Path> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(":")) {
                if (!dir.isEmpty()) {
                    dirs.add(Path.of(dir));
                }
            }
        }
        dirs.addAll(EXTRA_DIRS);
        return dirs.stream().map(d -> d.resolve(program)).filter(Files::isExecutable).findFirst();
    }

    /** The absolute path of the program; skips (fails on CI) when it is not installed. */
    public static String require(String program) {
        Optional<Path> found = find(program);
        if (found.isEmpty()) {
            unavailable(program + " is not installed (looked on PATH and in " + EXTRA_DIRS + ")");
        }
        return found.get().toString();
    }

    static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    static void requireRoot(String why) {
        if (!isRoot()) {
            unavailable("needs root: " + why);
        }
    }

    /** Runs argv to completion (60 s at most, then it is killed), stdout and stderr merged. */
    public static Result run(List<String> argv) {
        Path output = null;
        try {
            output = Files.createTempFile("scaleup-tool-", ".out");
            Process process = new ProcessBuilder(argv)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("timed out after 60 s: " + String.join(" ", argv) + "\n" + Files.readString(output));
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException ignored) {
                    // a leftover temp file is harmless
                }
            }
        }
    }

    public static String describe(List<String> argv, Result result) {
        return "$ " + String.join(" ", argv) + "\nexit " + result.exitCode() + "\n" + result.output();
    }

    /** Creates the host's directories the configs refer to and writes the files into conf/. */
    static void install(HostPaths paths, List<RenderedFile> files) {
        try {
            for (Path dir : List.of(paths.conf(), paths.data(), paths.logs(), paths.run(), paths.site())) {
                Files.createDirectories(dir);
            }
            for (RenderedFile file : files) {
                Files.writeString(paths.conf(file.name()), file.content(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
