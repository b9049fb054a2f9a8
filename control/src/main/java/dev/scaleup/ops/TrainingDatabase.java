package dev.scaleup.ops;

import dev.scaleup.runtime.Exec;
import dev.scaleup.runtime.Readiness;
import dev.scaleup.runtime.StateDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway PostgreSQL on 127.0.0.1 for the AOT cache's training run ({@link AotCache}), so that the classes an app
 * server loads only once it reaches its database (pgJDBC's login, HikariCP's connections, Flyway's migrations, the
 * queries behind each endpoint) are in the cache too. Measured on app1 (2026-12-03, three starts each, alternated):
 * a cache trained with a database took the app to ready with 2.3-2.7 s of CPU, one trained without with 2.9-3.4 s.
 *
 * <p>Its data lives in a temporary directory, made with {@code initdb} by the {@code postgres} user (PostgreSQL
 * refuses to run as root), without {@code fsync}; {@link #close} stops the server and removes the directory. The
 * database is the app's (login {@code app}, SCRAM password, as on the stack).
 */
final class TrainingDatabase implements AutoCloseable {

    static final String USER = "app";
    static final String DATABASE = "app";
    private static final Duration START = Duration.ofSeconds(30);

    private final Path dir;
    private final Process server;
    private final int port;
    private final String password;
    /** Ends the server if this command is interrupted (Ctrl-C runs shutdown hooks, not {@link #close}). */
    private final Thread killOnExit;

    private TrainingDatabase(Path dir, Process server, int port, String password) {
        this.dir = dir;
        this.server = server;
        this.port = port;
        this.password = password;
        this.killOnExit = new Thread(server::destroyForcibly);
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    int port() {
        return port;
    }

    /** Its directory (data, socket, log), removed by {@link #close}. */
    Path dir() {
        return dir;
    }

    String password() {
        return password;
    }

    /**
     * Makes and starts one. Throws {@link OperatorException} with the reason when it cannot (no PostgreSQL here, no
     * {@code postgres} user); what it made is removed then.
     */
    static TrainingDatabase start() {
        Path initdb = Tools.PG_BIN.resolve("initdb");
        if (!Files.isExecutable(initdb)) {
            throw new OperatorException("no PostgreSQL at " + Tools.PG_BIN);
        }
        List<String> asPostgres = runAsPostgres();
        Path dir = null;
        Process server = null;
        try {
            dir = Files.createTempDirectory("scaleup-aot-db-");
            byte[] secret = new byte[16];
            new SecureRandom().nextBytes(secret);
            String password = HexFormat.of().formatHex(secret);
            Path passwordFile = dir.resolve("password");
            Files.writeString(passwordFile, password + "\n");
            if (!asPostgres.isEmpty()) {
                Exec.run(List.of("chown", "-R", "postgres:postgres", dir.toString())).orThrow();
            }
            Path data = dir.resolve("data");
            Exec.Result made = Exec.run(command(asPostgres, initdb.toString(), "--pgdata=" + data, "--username=" + USER,
                    "--pwfile=" + passwordFile, "--auth-local=trust", "--auth-host=scram-sha-256", "--encoding=UTF8",
                    "--no-sync", "--no-instructions"));
            if (!made.ok()) {
                throw new OperatorException("initdb failed: " + (made.stderr() + made.stdout()).strip());
            }
            int port = AotCache.freePort();
            Path log = dir.resolve("postgres.log");
            server = new ProcessBuilder(command(asPostgres, Tools.PG_BIN.resolve("postgres").toString(), "-D",
                    data.toString(), "-p", String.valueOf(port), "-k", dir.toString(), "-c", "listen_addresses=127.0.0.1",
                    "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c",
                    "max_connections=40", "-c", "shared_buffers=16MB"))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Process running = server;
            Path socketDir = dir;
            try {
                Readiness.await("the training database to take connections", START,
                        () -> Exec.run(List.of(Tools.PG_BIN.resolve("pg_isready").toString(), "-q", "-h",
                                socketDir.toString(), "-p", String.valueOf(port))).ok(), running::isAlive);
            } catch (Readiness.NotReadyException e) {
                throw new OperatorException(e.getMessage() + "; its log: " + tail(log));
            }
            Exec.Result db = Exec.run(List.of("psql", "-X", "-q", "-h", dir.toString(), "-p", String.valueOf(port), "-U",
                    USER, "-d", "postgres", "-c", "CREATE DATABASE " + DATABASE));
            if (!db.ok()) {
                throw new OperatorException("CREATE DATABASE failed: " + (db.stderr() + db.stdout()).strip());
            }
            return new TrainingDatabase(dir, server, port, password);
        } catch (IOException e) {
            stop(server);
            remove(dir);
            throw new OperatorException("cannot make a training database: " + e.getMessage());
        } catch (RuntimeException e) {
            stop(server);
            remove(dir);
            throw e;
        }
    }

    /** {@code setpriv} to the postgres user when this runs as root; nothing when it runs as someone else already. */
    private static List<String> runAsPostgres() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return List.of();
        }
        if (!Exec.run(List.of("id", "-u", "postgres")).ok()) {
            throw new OperatorException("no postgres user here (PostgreSQL refuses to run as root)");
        }
        return List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--");
    }

    private static List<String> command(List<String> prefix, String... command) {
        List<String> all = new ArrayList<>(prefix);
        all.addAll(List.of(command));
        return all;
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(none)";
        }
    }

    private static void stop(Process server) {
        if (server == null) {
            return;
        }
        server.destroy(); // SIGTERM: PostgreSQL's smart shutdown, and no client is left
        try {
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly();
                server.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void remove(Path dir) {
        if (dir == null) {
            return;
        }
        try {
            StateDir.deleteTree(dir);
        } catch (java.io.UncheckedIOException e) {
            // a leftover directory in /tmp holds no secret of a deployment
        }
    }

    @Override
    public void close() {
        stop(server);
        remove(dir);
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs anyway
        }
    }
}
