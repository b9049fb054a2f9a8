package dev.scaleup.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.app.config.AppConfig;
import dev.scaleup.app.config.DbHost;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The HTTP surface while no database answers (port 1 on loopback refuses at once). */
class AppWithoutDatabaseTest {

    static final AppConfig DEAD_DB = TestConfigs.config("test-app", List.of(new DbHost("127.0.0.1", 1)), "pw",
            Duration.ofSeconds(1));

    private static final ByteArrayOutputStream OUT = new ByteArrayOutputStream();
    private static App app;
    private static TestHttp http;

    @BeforeAll
    static void start() {
        app = App.start(DEAD_DB, new PrintStream(OUT, true, StandardCharsets.UTF_8));
        http = new TestHttp(app.port());
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.shutdown();
        }
    }

    @Test
    void printsListeningLine() {
        assertThat(OUT.toString(StandardCharsets.UTF_8)).contains("app test-app listening on 127.0.0.1:" + app.port());
    }

    @Test
    void aliveEvenWithoutDatabase() {
        TestHttp.Response response = http.get("/healthz");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.text("status")).isEqualTo("alive");
        assertThat(response.text("host")).isEqualTo("test-app");
        assertThat(response.header("X-Served-By-App")).contains("test-app");
        assertThat(response.header("Content-Type")).contains("application/json");
    }

    @Test
    void notReadyWhileMigrationsCannotRun() {
        TestHttp.Response response = http.get("/readyz");

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.text("status")).isEqualTo("not_ready");
        assertThat(response.text("reason")).startsWith("migrations pending: ");
    }

    @Test
    void databaseCallsAnswer503WithTheRequestIdAndLogTheDetail() {
        List<String> logged = new CopyOnWriteArrayList<>();
        Logger routes = Logger.getLogger("dev.scaleup.app.http.Routes");
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(new SimpleFormatter().formatMessage(record));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        routes.addHandler(capture);
        try {
            TestHttp.Response info = http.send("GET", "/api/info", "rid-info");
            TestHttp.Response create = http.send("POST", "/api/visits", "rid-create");
            TestHttp.Response read = http.send("GET", "/api/visits/1", "rid-read");

            for (TestHttp.Response response : List.of(info, create, read)) {
                String requestId = response.header("X-Request-Id").orElseThrow();
                assertThat(response.status()).isEqualTo(503);
                assertThat(response.text("error")).isEqualTo("db_unavailable");
                assertThat(response.text("request_id")).isEqualTo(requestId);
                // the JDBC text ("Connection to 127.0.0.1:1 refused ...") names hosts and ports: log only
                assertThat(response.text("message")).isEqualTo("no database answered in time; try again");
                assertThat(response.raw().body()).doesNotContain("refused").doesNotContain("127.0.0.1");
                assertThat(response.header("X-Served-By-App")).contains("test-app");
                assertThat(logged).anySatisfy(line -> assertThat(line).startsWith("request " + requestId + " (")
                        .contains("503 db_unavailable").contains("refused"));
            }
        } finally {
            routes.removeHandler(capture);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "0", "-5", "1.5", "99999999999999999999", "%20", "1%00"})
    void badVisitIdIs400(String id) {
        TestHttp.Response response = http.get("/api/visits/" + id);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.text("error")).isEqualTo("bad_request");
        assertThat(response.text("message")).contains("positive integer");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/nope", "/api", "/api/visits/1/x", "/healthz/extra", "/%2e%2e/etc/passwd"})
    void unknownPathIsJson404(String path) {
        TestHttp.Response response = http.get(path);

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.text("error")).isEqualTo("not_found");
        assertThat(response.header("X-Served-By-App")).contains("test-app");
    }

    @Test
    void wrongMethodIsJson405() {
        TestHttp.Response postHealth = http.send("POST", "/healthz", null);
        TestHttp.Response getVisits = http.get("/api/visits");
        TestHttp.Response deleteVisit = http.send("DELETE", "/api/visits/1", null);

        assertThat(postHealth.status()).isEqualTo(405);
        assertThat(postHealth.header("Allow")).contains("GET, HEAD");
        assertThat(getVisits.status()).isEqualTo(405);
        assertThat(getVisits.header("Allow")).contains("POST");
        assertThat(getVisits.text("error")).isEqualTo("method_not_allowed");
        assertThat(deleteVisit.status()).isEqualTo(405);
    }

    @Test
    void requestIdIsEchoedOrGenerated() {
        TestHttp.Response given = http.send("GET", "/healthz", "req-42");
        TestHttp.Response generated = http.get("/healthz");

        assertThat(given.header("X-Request-Id")).contains("req-42");
        assertThat(generated.header("X-Request-Id")).get().asString().hasSize(36);
        assertThat(OUT.toString(StandardCharsets.UTF_8))
                .containsPattern("access method=GET path=/healthz status=200 duration_ms=[0-9.]+ request_id=req-42");
    }
}
