package dev.scaleup.ops;

import dev.scaleup.runtime.Readiness;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The app's ahead-of-time cache for the servers (JDK 25: JEP 483, made in one step as in JEP 514): the classes the app
 * loads and links as it starts, read from the jars, verified and linked once, by a training run on the control
 * machine, then mapped by every start of the app on a server ({@code -XX:AOTCache}).
 *
 * <p>Why: an app server is started again while the site is busy (a restart, a deploy, an app-kill's restore), and
 * there its JVM's start is mostly class loading competing for the CPU. Measured here on the bundle's own runtime, start
 * to {@code listening} plus 1 s: 3.1 s of CPU without the cache, 1.7 s with it (3.3 s and 1.5 s of wall time).
 *
 * <p>The cache is only valid for the JVM and the jars it was made with, compared by size and modification time, not
 * by path: so the training runs the bundle's runtime on the installed build, and the bundle keeps both files' times.
 * A server whose files do not match starts without it (the JVM says so in the app's journal) and is only slower.
 *
 * <p>The training run is the app itself, started against a throwaway PostgreSQL ({@link TrainingDatabase}): it runs
 * its migrations, answers what every app server answers (users, a sign-in, the account, a transfer and its replay,
 * posts; then JSON errors and metrics), and is stopped with SIGTERM, after which the JVM writes the cache. Where no
 * PostgreSQL can be started here, it trains against a database that is not there ({@code 127.0.0.1:1}, refused at
 * once), as it did before: that cache lacks what the app loads once it reaches its database (pgJDBC's login,
 * Flyway), and an app server mapping it took 2.9-3.4 s of CPU to ready, against 2.3-2.7 s with the database's.
 */
final class AotCache {

    /** The cache's name beside app.jar in a release ({@code app/app.aot}). */
    static final String FILE = "app.aot";

    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration EXIT = Duration.ofSeconds(60);
    /** What the app prints once it listens ("app <host> listening on <address>:<port>"). */
    static final String LISTENING = " listening on ";

    private AotCache() {
    }

    /**
     * Whether the runtime in {@code runtimeDir} makes and maps AOT caches this way: JDK 25 and later, read from its
     * {@code release} file ({@code JAVA_VERSION="25.0.3"}). An older one (the project builds with JDK 21 too) would
     * refuse {@code -XX:AOTCacheOutput} and {@code -XX:AOTCache}: its bundle has no cache and its unit no flag.
     */
    static boolean supported(Path runtimeDir) {
        String major = version(runtimeDir).split("[.+-]")[0];
        return major.matches("[0-9]+") && Integer.parseInt(major) >= 25;
    }

    /** The runtime's {@code JAVA_VERSION} from its {@code release} file ("25.0.3"), or "" when it has none. */
    static String version(Path runtimeDir) {
        try {
            return Files.readAllLines(runtimeDir.resolve("release")).stream()
                    .filter(line -> line.startsWith("JAVA_VERSION="))
                    .map(line -> line.substring("JAVA_VERSION=".length()).replace("\"", ""))
                    .findFirst().orElse("");
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Trains the cache of {@code jar} on the runtime in {@code runtimeDir} into {@code out}, against a throwaway
     * PostgreSQL ({@link TrainingDatabase}) or, when none can be made here, without a database; a second try if
     * needed. Returns how it trained: "with a database" or "without a database (why)".
     */
    static String train(Path runtimeDir, Path jar, Path out) {
        TrainingDatabase db;
        try {
            db = TrainingDatabase.start();
        } catch (OperatorException e) {
            trainTwice(runtimeDir, jar, out, null);
            return "without a database (" + e.getMessage() + ")";
        }
        try (db) {
            trainTwice(runtimeDir, jar, out, db);
            return "with a throwaway database";
        } catch (OperatorException e) {
            // a cache without the database's classes is still a cache
            trainTwice(runtimeDir, jar, out, null);
            return "without a database (the training with one failed: " + e.getMessage() + ")";
        }
    }

    private static void trainTwice(Path runtimeDir, Path jar, Path out, TrainingDatabase db) {
        try {
            trainOnce(runtimeDir, jar, out, db);
        } catch (OperatorException first) {
            // e.g. the free port it picked was taken meanwhile
            try {
                trainOnce(runtimeDir, jar, out, db);
            } catch (OperatorException second) {
                second.addSuppressed(first);
                throw second;
            }
        }
    }

    private static void trainOnce(Path runtimeDir, Path jar, Path out, TrainingDatabase db) {
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        // the output goes to a file: read through a pipe instead, the JVM wrote no cache at its exit (JDK 25.0.3)
        Path log = out.resolveSibling(out.getFileName() + ".log");
        Process process = null;
        Thread killOnExit = null;
        try {
            Files.deleteIfExists(tmp);
            int port = freePort();
            process = new ProcessBuilder(List.of(runtimeDir.resolve("bin/java").toString(), "-Xmx128m",
                    "-XX:+UseSerialGC", "-XX:AOTCacheOutput=" + tmp, "-jar", jar.toString(), "--config", "-"))
                    .directory(out.getParent().toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            // an interrupted command (Ctrl-C: the JVM runs its shutdown hooks, not this method's finally) ends the
            // training run too, which would otherwise go on listening
            Process started = process;
            killOnExit = new Thread(started::destroyForcibly);
            Runtime.getRuntime().addShutdownHook(killOnExit);
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write((db == null ? config(port) : config(port, db)).getBytes(StandardCharsets.UTF_8));
            }
            Process run = process;
            try {
                Readiness.await("the training run to listen", START, () -> says(log, LISTENING), run::isAlive);
            } catch (Readiness.NotReadyException e) {
                throw failed(e.getMessage(), log);
            }
            if (db != null) {
                Readiness.await("the training run's migrations", START, () -> says(log, MIGRATED), run::isAlive);
            }
            exercise(port, db != null);
            process.destroy();
            if (!process.waitFor(EXIT.toSeconds(), TimeUnit.SECONDS)) {
                throw failed("the training run did not exit within " + EXIT.toSeconds() + " s of SIGTERM", log);
            }
            if (!Files.isRegularFile(tmp) || Files.size(tmp) == 0) {
                throw failed("the training run wrote no cache (exit " + process.exitValue() + ")", log);
            }
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
            Files.delete(log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot train the app's AOT cache into " + out, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperatorException("interrupted while training the app's AOT cache");
        } finally {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
            }
            if (killOnExit != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(killOnExit);
                } catch (IllegalStateException e) {
                    // the JVM is shutting down: the hook runs anyway
                }
            }
            try {
                Files.deleteIfExists(tmp);
                Files.deleteIfExists(tmp.resolveSibling(tmp.getFileName() + ".config"));
            } catch (IOException e) {
                // a leftover .tmp is replaced by the next training
            }
        }
    }

    private static boolean says(Path log, String text) {
        try {
            return Files.readString(log).contains(text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the training run's output " + log, e);
        }
    }

    /** A few requests, so the classes of routing, JSON answers, errors and metrics are in the cache too. */
    private static void exercise(int port, boolean withDatabase) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        String base = "http://127.0.0.1:" + port;
        if (withDatabase) {
            exerciseDatabase(http, base);
        }
        List<HttpRequest> requests = List.of(
                HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                HttpRequest.newBuilder(URI.create(base + "/readyz")).build(),
                HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpRequest.newBuilder(URI.create(base + "/api/info")).build(),
                HttpRequest.newBuilder(URI.create(base + "/api/users")).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"name\": ")).build(),
                HttpRequest.newBuilder(URI.create(base + "/no-such-page")).build());
        for (HttpRequest request : requests) {
            try {
                http.send(HttpRequest.newBuilder(request, (name, value) -> true).timeout(Duration.ofSeconds(10))
                        .build(), HttpResponse.BodyHandlers.discarding());
            } catch (IOException e) {
                // an answer is not the point: the classes loaded on the way are
            }
        }
    }

    /** What the app prints once its migrations ran ("database migrations done after ..."). */
    static final String MIGRATED = "database migrations done";

    /**
     * What every app server does with its database, three times over: two users, a sign-in, the account, a transfer
     * with an idempotency key (and its replay), a post, the lists. Answers are not checked: the classes loaded on the
     * way are the point, and a request that fails loads those of the failure.
     */
    private static void exerciseDatabase(HttpClient http, String base) throws InterruptedException {
        for (int round = 0; round < 3; round++) {
            String a = "aot-" + round + "-a@training.test";
            String b = "aot-" + round + "-b@training.test";
            String password = "training-password-" + round;
            send(http, post(base + "/api/users", "{\"email\": \"" + a + "\", \"password\": \"" + password + "\"}", null));
            String created = send(http, post(base + "/api/users", "{\"email\": \"" + b + "\", \"password\": \""
                    + password + "\"}", null));
            String session = send(http, post(base + "/api/sessions", "{\"email\": \"" + a + "\", \"password\": \""
                    + password + "\"}", null));
            String token = field(session, "token");
            String toAccount = field(created, "account_id");
            send(http, get(base + "/api/accounts/me", token));
            HttpRequest transfer = post(base + "/api/transfers", "{\"to_account\": " + (toAccount.isEmpty() ? "1" : toAccount)
                    + ", \"amount_cents\": 100}", token);
            transfer = HttpRequest.newBuilder(transfer, (name, value) -> true)
                    .header("Idempotency-Key", "aot-training-" + round).build();
            send(http, transfer);
            send(http, transfer);
            send(http, get(base + "/api/transfers", token));
            send(http, post(base + "/api/posts", "{\"title\": \"training\", \"body\": \"round " + round + "\"}", token));
            send(http, get(base + "/api/posts", null));
            send(http, get(base + "/api/posts/1", null));
            send(http, post(base + "/api/visits", "{}", null));
            send(http, get(base + "/api/info", null));
        }
    }

    private static HttpRequest post(String url, String json, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null && !token.isEmpty()) {
            request.header("Authorization", "Bearer " + token);
        }
        return request.build();
    }

    private static HttpRequest get(String url, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        if (token != null && !token.isEmpty()) {
            request.header("Authorization", "Bearer " + token);
        }
        return request.build();
    }

    /** The answer's body, or "" when there was none. */
    private static String send(HttpClient http, HttpRequest request) throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(request, (name, value) -> true).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        }
    }

    /** A top-level string or number field of a small JSON answer, or "". */
    static String field(String json, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("\"" + java.util.regex.Pattern.quote(name) + "\"\\s*:\\s*(\"([^\"]*)\"|(-?[0-9]+))")
                .matcher(json);
        if (!m.find()) {
            return "";
        }
        return m.group(2) != null ? m.group(2) : m.group(3);
    }

    /** The app's properties for a training run against {@code db}, listening on {@code port} of 127.0.0.1. */
    static String config(int port, TrainingDatabase db) {
        return String.join("\n",
                "# the AOT cache's training run, against a throwaway PostgreSQL",
                "app.bind=127.0.0.1",
                "app.port=" + port,
                "app.host-name=aot-training",
                "db.hosts=127.0.0.1:" + db.port(),
                "db.name=" + TrainingDatabase.DATABASE,
                "db.user=" + TrainingDatabase.USER,
                "db.password=" + db.password(),
                "db.pooled=true",
                "app.token-key=" + "0".repeat(64),
                "");
    }

    /** The app's properties without a database, listening on {@code port} of 127.0.0.1 (AotCacheIT starts it so too). */
    static String config(int port) {
        return String.join("\n",
                "# the AOT cache's training run: no database (port 1 refuses at once)",
                "app.bind=127.0.0.1",
                "app.port=" + port,
                "app.host-name=aot-training",
                "db.hosts=127.0.0.1:1",
                "db.name=app",
                "db.user=app",
                "db.password=aot-training-without-a-database",
                "app.token-key=" + "0".repeat(64),
                "");
    }

    /** A port of 127.0.0.1 no one listens on now. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static OperatorException failed(String why, Path log) {
        List<String> lines;
        try {
            lines = Files.readAllLines(log);
        } catch (IOException e) {
            lines = List.of();
        }
        List<String> last = lines.subList(Math.max(0, lines.size() - 15), lines.size());
        return new OperatorException("cannot make the app's AOT cache: " + why + " (its output: " + log + ")"
                + (last.isEmpty() ? "" : "; the last lines:\n  " + String.join("\n  ", last)));
    }
}
