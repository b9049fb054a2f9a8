package dev.scaleup.app;

import static org.junit.jupiter.api.Assertions.fail;

import dev.scaleup.app.config.AppConfig;
import dev.scaleup.app.config.DbHost;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/** A running throwaway PostgreSQL 15 with the app's database and role, and app servers started against it. */
final class TestDatabase implements AutoCloseable {

    final PostgresServer server;
    final String appPassword = "it-" + UUID.randomUUID();
    private final List<App> apps = new ArrayList<>();

    private TestDatabase(PostgresServer server) {
        this.server = server;
    }

    /** Skips the calling test class (fails it under CI=true) when this machine cannot run PostgreSQL. */
    static TestDatabase startOrSkip(String testName) throws Exception {
        PostgresServer.unavailableReason().ifPresent(reason -> {
            if ("true".equals(System.getenv("CI"))) {
                fail(testName + " cannot run with CI=true: " + reason);
            }
            Assumptions.abort(testName + " skipped: " + reason);
        });
        long start = System.nanoTime();
        PostgresServer server = PostgresServer.init(Path.of("target", "it-postgres").toAbsolutePath(),
                "su-" + UUID.randomUUID());
        long initialized = System.nanoTime();
        TestDatabase db = new TestDatabase(server);
        server.start();
        server.createDatabase("app", db.appPassword, "app");
        System.out.printf("%s: initdb %d ms, postgres up %d ms%n", testName, (initialized - start) / 1_000_000,
                (System.nanoTime() - initialized) / 1_000_000);
        return db;
    }

    AppConfig config(String hostName) {
        return TestConfigs.config(hostName, List.of(new DbHost("127.0.0.1", server.port())), appPassword,
                Duration.ofSeconds(1));
    }

    /** Starts an app server and waits until it is ready (migrations done). */
    App startApp(AppConfig config, ByteArrayOutputStream out) throws InterruptedException {
        long start = System.nanoTime();
        App app = App.start(config, new PrintStream(out, true, StandardCharsets.UTF_8));
        apps.add(app);
        TestHttp http = new TestHttp(app.port());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (http.get("/readyz").status() != 200) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("app " + config.hostName() + " not ready: "
                        + http.get("/readyz").raw().body());
            }
            Thread.sleep(50);
        }
        System.out.printf("%s: ready after %d ms%n", config.hostName(), (System.nanoTime() - start) / 1_000_000);
        return app;
    }

    /** The port of the {@code index}-th app started. */
    int appPort(int index) {
        return apps.get(index).port();
    }

    Connection superuser() throws SQLException {
        return server.superuser("app");
    }

    long count(String sql) throws SQLException {
        return Long.parseLong(query(sql));
    }

    String query(String sql) throws SQLException {
        try (Connection connection = superuser();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    void execute(String sql) throws SQLException {
        try (Connection connection = superuser(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    @Override
    public void close() throws IOException {
        long start = System.nanoTime();
        try {
            List<Thread> stopping = new ArrayList<>();
            for (App app : apps) {
                stopping.add(Thread.ofVirtual().start(app::shutdown));
            }
            for (Thread thread : stopping) {
                thread.join();
            }
            long stopped = System.nanoTime();
            server.stopAndDeleteData();
            System.out.printf("apps stopped in %d ms, postgres in %d ms%n", (stopped - start) / 1_000_000,
                    (System.nanoTime() - stopped) / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
