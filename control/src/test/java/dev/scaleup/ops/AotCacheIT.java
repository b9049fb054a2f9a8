package dev.scaleup.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.scaleup.runtime.Exec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AOT cache for real: a bundle made from the repository's build and runtime is unpacked elsewhere (as on a server,
 * other paths, the files' times kept), and the app started from there with {@code -XX:AOTMode=on}, which refuses to
 * start when the cache cannot be used. Then the app's start measured side by side, with and without the cache, in
 * CPU time (what a start costs a busy server) and wall time, printed with their ratio.
 */
class AotCacheIT {

    private static final Path REPO = Path.of(System.getenv().getOrDefault("SCALEUP_HOME", "..")).toAbsolutePath().normalize();

    @Test
    void theBundlesCacheIsUsedFromAnotherPlaceAndCutsTheStart(@TempDir Path tmp) throws Exception {
        // built with JDK 21 (which the project allows), the runtime makes no cache: AppArtifactTest covers that bundle
        assumeTrue(AotCache.supported(AppArtifact.runtimeDir(REPO)), "the app's runtime is older than JDK 25");
        Path installed = AppArtifact.install(AppArtifact.buildDir(REPO), tmp.resolve("state/artifacts"));
        long made = System.nanoTime();
        AppArtifact.Bundle bundle = AppArtifact.bundle(installed, AppArtifact.runtimeDir(REPO), tmp.resolve("state/artifacts"));
        System.out.printf("AotCacheIT: bundle with its AOT cache made in %.1f s (%d MB)%n", (System.nanoTime() - made) / 1e9,
                Files.size(bundle.archive()) >> 20);
        Path server = Files.createDirectories(tmp.resolve("opt/releases/" + bundle.release()));
        Exec.run(List.of("tar", "--extract", "--gzip", "--file", bundle.archive().toString(), "-C", server.toString()))
                .orThrow();
        assertThat(server.resolve("app/app.aot")).isNotEmptyFile();

        Start strict = start(server, List.of("-XX:AOTMode=on", "-XX:AOTCache=" + server.resolve("app/app.aot")));
        assertThat(strict.listened()).as("started with -XX:AOTMode=on: " + strict.output()).isTrue();
        // JDK 25 may warn "Failed to link AdapterHandlerEntry" for an adapter whose fingerprint's hash clashed
        // (JDK-8364929, fixed in 26): that one adapter is generated as without a cache, the rest is used
        assertThat(strict.output()).as("no error about the cache").doesNotContain("[error");

        List<Start> without = new ArrayList<>();
        List<Start> with = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            without.add(start(server, List.of()));
            with.add(start(server, List.of("-XX:AOTCache=" + server.resolve("app/app.aot"))));
        }
        long cpuWithout = median(without.stream().mapToLong(Start::cpuMillis).toArray());
        long cpuWith = median(with.stream().mapToLong(Start::cpuMillis).toArray());
        long wallWithout = median(without.stream().mapToLong(Start::wallMillis).toArray());
        long wallWith = median(with.stream().mapToLong(Start::wallMillis).toArray());
        System.out.printf("AotCacheIT: the app's start to 'listening' + 1 s, median of 3 alternated runs: CPU %d ms without"
                + " the cache, %d ms with it (%.2fx); wall time to 'listening' %d ms and %d ms (%.2fx)%n", cpuWithout,
                cpuWith, (double) cpuWith / cpuWithout, wallWithout, wallWith, (double) wallWith / wallWithout);
        assertThat(with).allMatch(Start::listened);
        assertThat(without).allMatch(Start::listened);
    }

    @Test
    void theTrainingDatabaseTakesTheAppsLoginAndLeavesNothingBehind() {
        Path dir;
        try (TrainingDatabase db = TrainingDatabase.start()) {
            dir = db.dir();
            Exec.Result login = Exec.run(List.of("psql", "-X", "-At", "-h", "127.0.0.1", "-p", String.valueOf(db.port()),
                    "-U", TrainingDatabase.USER, "-d", TrainingDatabase.DATABASE, "-c", "select current_user"),
                    java.util.Map.of("PGPASSWORD", db.password()), Duration.ofSeconds(10), null);
            assertThat(login.stdout().strip()).as(login.stderr()).isEqualTo(TrainingDatabase.USER);
            Exec.Result wrong = Exec.run(List.of("psql", "-X", "-At", "-h", "127.0.0.1", "-p", String.valueOf(db.port()),
                    "-U", TrainingDatabase.USER, "-d", TrainingDatabase.DATABASE, "-c", "select 1"),
                    java.util.Map.of("PGPASSWORD", "not-" + db.password()), Duration.ofSeconds(10), null);
            assertThat(wrong.ok()).as("a wrong password over TCP is refused (SCRAM, as on the stack)").isFalse();
        }
        assertThat(dir).doesNotExist();
    }

    private record Start(boolean listened, long wallMillis, long cpuMillis, String output) {
    }

    /** Starts the app of the unpacked release with a database that is not there, waits for "listening", stops it. */
    private static Start start(Path release, List<String> options) throws Exception {
        int port = AotCache.freePort();
        List<String> command = new ArrayList<>(List.of(release.resolve("runtime/bin/java").toString(), "-Xmx128m",
                "-XX:+UseSerialGC"));
        command.addAll(options);
        command.addAll(List.of("-jar", release.resolve("app/app.jar").toString(), "--config", "-"));
        long started = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(AotCache.config(port).getBytes(StandardCharsets.UTF_8));
        }
        StringBuilder output = new StringBuilder();
        CompletableFuture<Long> listening = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                    if (line.contains(AotCache.LISTENING)) {
                        listening.complete(System.nanoTime());
                    }
                }
            } catch (java.io.IOException e) {
                // the process ended
            }
            listening.complete(-1L);
        });
        try {
            long at = listening.get(60, TimeUnit.SECONDS);
            Thread.sleep(Duration.ofSeconds(1));
            long cpu = process.toHandle().info().totalCpuDuration().map(Duration::toMillis).orElse(-1L);
            synchronized (output) {
                return new Start(at > 0, at > 0 ? (at - started) / 1_000_000 : -1, cpu, output.toString());
            }
        } finally {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
