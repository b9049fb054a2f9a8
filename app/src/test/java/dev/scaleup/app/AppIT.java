package dev.scaleup.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
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
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The application against a real PostgreSQL 15 over real HTTP. The app starts first, with the database down, to
 * show the retrying migrations; then the database starts and the app becomes ready by itself.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AppIT {

    private static final String APP_PASSWORD = "it-" + UUID.randomUUID();
    private static final ByteArrayOutputStream OUT = new ByteArrayOutputStream();
    private static PostgresServer postgres;
    private static App app;
    private static TestHttp http;

    @BeforeAll
    static void startAppWithDatabaseDown() throws Exception {
        PostgresServer.unavailableReason().ifPresent(reason -> {
            if ("true".equals(System.getenv("CI"))) {
                fail("AppIT cannot run with CI=true: " + reason);
            }
            Assumptions.abort("AppIT skipped: " + reason);
        });
        postgres = PostgresServer.init(Path.of("target", "it-postgres").toAbsolutePath(), "su-" + UUID.randomUUID());
        long start = System.nanoTime();
        app = App.start(config("it-app"), new PrintStream(OUT, true, StandardCharsets.UTF_8));
        System.out.println("AppIT: listening after " + millisSince(start) + " ms");
        http = new TestHttp(app.port());
    }

    @AfterAll
    static void stopEverything() throws InterruptedException, IOException {
        try {
            if (app != null) {
                app.shutdown();
            }
        } finally {
            if (postgres != null) {
                postgres.stopAndDeleteData();
            }
        }
    }

    private static AppConfig config(String hostName) {
        return TestConfigs.config(hostName, List.of(new DbHost("127.0.0.1", postgres.port())), APP_PASSWORD,
                Duration.ofSeconds(2));
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static TestHttp.Response await(TestHttp client, String path, Predicate<TestHttp.Response> done,
                                           Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        TestHttp.Response last;
        do {
            last = client.get(path);
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        return last;
    }

    @Test
    @Order(1)
    void aliveButNotReadyWhileTheDatabaseIsDown() {
        assertThat(http.get("/healthz").status()).isEqualTo(200);

        TestHttp.Response ready = http.get("/readyz");

        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.text("reason")).startsWith("migrations pending: ");
    }

    @Test
    @Order(2)
    void becomesReadyOnceTheDatabaseStarts() throws Exception {
        Thread.sleep(1_500); // let the migrator fail at least once more
        long start = System.nanoTime();
        postgres.start();
        postgres.createDatabase("app", APP_PASSWORD, "app");

        TestHttp.Response ready = await(http, "/readyz", r -> r.status() == 200, Duration.ofSeconds(30));

        System.out.println("AppIT: ready " + millisSince(start) + " ms after postgres was started");
        assertThat(ready.status()).as("readyz: %s", ready.raw().body()).isEqualTo(200);
        assertThat(ready.text("status")).isEqualTo("ready");
        assertThat(OUT.toString(StandardCharsets.UTF_8)).doesNotContain(APP_PASSWORD);
    }

    @Test
    @Order(3)
    void infoIsOneRoundTripToThePrimary() {
        TestHttp.Response info = http.get("/api/info");

        assertThat(info.status()).as("body: %s", info.raw().body()).isEqualTo(200);
        assertThat(info.text("app_host")).isEqualTo("it-app");
        assertThat(info.json().get("db").get("server_addr").asText()).isEqualTo("127.0.0.1");
        assertThat(info.json().get("db").get("in_recovery").asBoolean()).isFalse();
        assertThat(OffsetDateTime.parse(info.json().get("db").get("now").asText()))
                .isCloseTo(OffsetDateTime.now(), within(1, ChronoUnit.MINUTES));
        assertThat(info.header("X-Served-By-App")).contains("it-app");
    }

    @Test
    @Order(4)
    void visitIsWrittenAndReadBack() {
        TestHttp.Response created = http.send("POST", "/api/visits", "it-visit-1");

        assertThat(created.status()).as("body: %s", created.raw().body()).isEqualTo(201);
        long id = created.json().get("id").asLong();
        assertThat(id).isPositive();
        assertThat(created.text("app_host")).isEqualTo("it-app");
        assertThat(created.text("db_server_addr")).isEqualTo("127.0.0.1");
        assertThat(created.header("X-Request-Id")).contains("it-visit-1");

        TestHttp.Response read = http.get("/api/visits/" + id);

        assertThat(read.status()).as("body: %s", read.raw().body()).isEqualTo(200);
        assertThat(read.json().get("id").asLong()).isEqualTo(id);
        assertThat(read.text("app_host")).isEqualTo("it-app");
        assertThat(OffsetDateTime.parse(read.text("created_at"))).isBefore(OffsetDateTime.now().plusMinutes(1));
        assertThat(read.text("db_server_addr")).isEqualTo("127.0.0.1");
        assertThat(read.json().get("in_recovery").asBoolean()).isFalse();
    }

    @Test
    @Order(5)
    void missingBadAndUnknownGiveJsonErrors() {
        TestHttp.Response missing = http.get("/api/visits/" + Long.MAX_VALUE);
        TestHttp.Response bad = http.get("/api/visits/x1");
        TestHttp.Response unknown = http.get("/api/nothing-here");

        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.text("error")).isEqualTo("not_found");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.text("error")).isEqualTo("bad_request");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.text("error")).isEqualTo("not_found");
    }

    @Test
    @Order(6)
    void aSecondServerSharesTheSchemaAndClosesItsPoolsOnShutdown() throws Exception {
        App second = App.start(config("it-app-2"), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8));
        try {
            TestHttp secondHttp = new TestHttp(second.port());
            assertThat(await(secondHttp, "/readyz", r -> r.status() == 200, Duration.ofSeconds(20)).status())
                    .isEqualTo(200);
            assertThat(secondHttp.send("POST", "/api/visits", null).text("app_host")).isEqualTo("it-app-2");
            assertThat(sessionsOf("app@it-app-2")).isPositive();
        } finally {
            second.shutdown();
        }
        // a backend leaves pg_stat_activity a moment after its client closed the connection
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (sessionsOf("app@it-app-2") > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(sessionsOf("app@it-app-2")).isZero();
        // V1..V3, each applied once
        assertThat(count("SELECT count(*) FROM flyway_schema_history WHERE success")).isEqualTo(3);
    }

    @Test
    @Order(7)
    void readinessFailsFastWhenTheDatabaseGoesAway() throws Exception {
        postgres.stop();

        long start = System.nanoTime();
        TestHttp.Response ready = http.get("/readyz");
        long readyMillis = millisSince(start);

        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.text("reason")).startsWith("primary database unavailable: ");
        // well below the pool's own 2 s connection timeout, which readiness must not wait out
        assertThat(readyMillis).isLessThan(1_900);
        assertThat(http.get("/api/info").text("error")).isEqualTo("db_unavailable");
        assertThat(http.get("/healthz").status()).isEqualTo(200);
    }

    private static long sessionsOf(String applicationName) throws SQLException {
        return count("SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + applicationName + "'");
    }

    private static long count(String sql) throws SQLException {
        try (Connection connection = postgres.superuser("app");
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
