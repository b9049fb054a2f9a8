package dev.scaleup.app;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway PostgreSQL 15 cluster under {@code target/}, run as the {@code postgres} user (initdb refuses root),
 * listening on 127.0.0.1 only, with its Unix socket in its own directory.
 */
final class PostgresServer {

    static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    private static final String OS_USER = "postgres";

    private final Path base;
    private final Path data;
    private final Path log;
    private final String superPassword;
    private final int port;
    private Process postmaster;

    private PostgresServer(Path base, String superPassword, int port) {
        this.base = requireNonNull(base, "base is null");
        this.data = base.resolve("data");
        this.log = base.resolve("postgres.log");
        this.superPassword = requireNonNull(superPassword, "superPassword is null");
        this.port = port;
    }

    /** Why this machine cannot run the server, or empty when it can. */
    static Optional<String> unavailableReason() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.of("needs root, to run initdb/postgres as user 'postgres' via setpriv (running as '"
                    + System.getProperty("user.name") + "')");
        }
        for (String tool : List.of("initdb", "postgres", "pg_ctl")) {
            if (!Files.isExecutable(BIN.resolve(tool))) {
                return Optional.of("PostgreSQL 15 is not installed: no " + BIN.resolve(tool));
            }
        }
        if (!Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
            return Optional.of("setpriv is not installed (/usr/bin/setpriv)");
        }
        try {
            Path.of("/").getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(OS_USER);
        } catch (IOException e) {
            return Optional.of("no OS user '" + OS_USER + "'");
        }
        return Optional.empty();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Creates a fresh cluster (not started) in a new directory under {@code parent}. */
    static PostgresServer init(Path parent, String superPassword) throws IOException, InterruptedException {
        Files.createDirectories(parent);
        makeTraversable(parent);
        Path base = Files.createTempDirectory(parent, "pg-");
        PostgresServer server = new PostgresServer(base, superPassword, freePort());
        Path socketDir = Files.createDirectories(base.resolve("socket"));
        Path pwFile = Files.writeString(base.resolve("pwfile"), superPassword);
        UserPrincipalLookupService users = base.getFileSystem().getUserPrincipalLookupService();
        for (Path path : List.of(base, socketDir, pwFile)) {
            Files.setOwner(path, users.lookupPrincipalByName(OS_USER));
        }
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwx------"));
        server.runAsPostgres(List.of(BIN.resolve("initdb").toString(), "-D", server.data.toString(), "-U", "postgres",
                "--pwfile=" + pwFile, "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8",
                "--locale=C", "--no-sync", "--no-instructions"), 120);
        return server;
    }

    private static void makeTraversable(Path dir) throws IOException {
        var permissions = Files.getPosixFilePermissions(dir);
        if (permissions.add(PosixFilePermission.OTHERS_EXECUTE)) {
            Files.setPosixFilePermissions(dir, permissions);
        }
    }

    int port() {
        return port;
    }

    /** Starts the postmaster and waits until the superuser can log in over TCP. */
    void start() throws IOException, InterruptedException, SQLException {
        List<String> command = new ArrayList<>(asPostgres());
        command.addAll(List.of(BIN.resolve("postgres").toString(), "-D", data.toString(), "-p", String.valueOf(port),
                "-k", base.resolve("socket").toString(), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
                "-c", "synchronous_commit=off", "-c", "full_page_writes=off"));
        Process started = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        postmaster = started;
        // safety net for a test JVM that exits without @AfterAll (SIGTERM asks postgres for a smart shutdown)
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroy, "postgres-stop"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                superuser("postgres").close();
                return;
            } catch (SQLException e) {
                if (!postmaster.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("postgres did not come up: " + e.getMessage() + "\n" + logTail(),
                            e);
                }
                Thread.sleep(100);
            }
        }
    }

    Connection superuser(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database
                + "?connectTimeout=2", "postgres", superPassword);
    }

    void createDatabase(String user, String password, String database) throws SQLException {
        try (Connection connection = superuser("postgres");
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE ROLE \"" + user + "\" LOGIN PASSWORD '" + password.replace("'", "''") + "'");
            statement.execute("CREATE DATABASE \"" + database + "\" OWNER \"" + user + "\"");
        }
    }

    /** Fast shutdown (pg_ctl stop -m fast), SIGKILL as the last resort. Idempotent. */
    void stop() throws InterruptedException {
        Process running = postmaster;
        if (running == null || !running.isAlive()) {
            return;
        }
        try {
            runAsPostgres(List.of(BIN.resolve("pg_ctl").toString(), "stop", "-D", data.toString(), "-m", "fast",
                    "-w", "-t", "20"), 30);
        } catch (IOException | RuntimeException e) {
            System.err.println("pg_ctl stop failed, killing postgres: " + e.getMessage());
        }
        if (!running.waitFor(10, TimeUnit.SECONDS)) {
            running.destroyForcibly();
            running.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Stops the server and deletes its data directory, keeping {@code postgres.log}. */
    void stopAndDeleteData() throws InterruptedException, IOException {
        stop();
        if (Files.isDirectory(data)) {
            try (var paths = Files.walk(data)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static List<String> asPostgres() {
        return List.of("/usr/bin/setpriv", "--reuid=" + OS_USER, "--regid=" + OS_USER, "--init-groups");
    }

    private void runAsPostgres(List<String> tool, int timeoutSeconds) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(asPostgres());
        command.addAll(tool);
        Process process = new ProcessBuilder(command).directory(base.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(tool.getFirst() + " timed out\n" + logTail());
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(tool.getFirst() + " failed with " + process.exitValue() + "\n"
                    + logTail());
        }
    }
}
