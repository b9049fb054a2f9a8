package dev.scaleup.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar, as operators start it: exit code 2 on bad config, a clean stop on SIGTERM. */
class MainIT {

    private static final Path JAR = Path.of("target", "app.jar").toAbsolutePath();

    @TempDir
    Path dir;

    private static ProcessBuilder java(Map<String, String> env, String... args) {
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(javaBin, "-Xmx128m", "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(k -> k.startsWith("APP_") || k.startsWith("DB_"));
        builder.environment().putAll(env);
        return builder;
    }

    @Test
    void badConfigExitsWith2AndOneLine() throws Exception {
        Path file = Files.writeString(dir.resolve("app.properties"), "db.hosts=db1:5432\ndb.password=pw\n"
                + "app.port=abc\n");

        Process process = java(Map.of(), "--config", file.toString()).start();
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(stderr.strip()).isEqualTo("config: app.port must be an integer 1..65535, got 'abc'");
    }

    @Test
    void startsListeningAndStopsCleanlyOnSigterm() throws Exception {
        int port = PostgresServer.freePort();
        long start = System.nanoTime();
        Process process = java(Map.of("DB_HOSTS", "127.0.0.1:1", "DB_PASSWORD", "pw", "APP_PORT",
                String.valueOf(port), "APP_BIND", "127.0.0.1", "APP_HOST_NAME", "jar-app", "APP_DRAIN_SECONDS",
                "2", "APP_TOKEN_KEY", TestConfigs.TOKEN_KEY, "APP_PASSWORD_ITERATIONS", "1000")).redirectErrorStream(true).start();
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        CompletableFuture.runAsync(() -> pump(process, lines));
        try {
            String listening = "app jar-app listening on 127.0.0.1:" + port;
            assertThat(awaitLine(lines, listening)).as("listening line").isTrue();
            System.out.println("MainIT: listening " + (System.nanoTime() - start) / 1_000_000
                    + " ms after the JVM was launched");
            assertThat(new TestHttp(port).get("/healthz").status()).isEqualTo(200);

            process.toHandle().destroy(); // SIGTERM, keeping our end of the pipes open (Process.destroy closes it)

            assertThat(awaitLine(lines, "app jar-app stopped after")).as("stopped line; alive=%s exit=%s",
                    process.isAlive(), process.isAlive() ? "-" : process.exitValue()).isTrue();
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        } finally {
            process.destroyForcibly();
        }
    }

    private static void pump(Process process, LinkedBlockingQueue<String> lines) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("(read failed: " + e + ")");
        }
    }

    private static boolean awaitLine(LinkedBlockingQueue<String> lines, String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null && line.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
