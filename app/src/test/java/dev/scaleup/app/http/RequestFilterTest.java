package dev.scaleup.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.http.BadRequestException;
import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Stray exceptions become JSON errors that still carry the filter's headers and an access log line. */
class RequestFilterTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final InFlightRequests inFlight = new InFlightRequests();
    private WebServer server;

    @BeforeEach
    void start() {
        Json json = new Json();
        RequestFilter filter = new RequestFilter("filter-host", inFlight, json,
                new AccessLog(new PrintStream(out, true, StandardCharsets.UTF_8)),
                new HttpMetrics(new SimpleMeterRegistry()));
        server = WebServer.builder().host("127.0.0.1").port(0).shutdownHook(false)
                .routing(r -> r.addFilter(filter)
                        .error(Exception.class, new JsonErrorHandler(json))
                        .get("/boom", (req, res) -> {
                            throw new IllegalStateException("secret detail");
                        })
                        .get("/bad", (req, res) -> {
                            throw new BadRequestException("nope");
                        })
                        .get("/down", (req, res) -> {
                            throw new HttpException("secret detail", Status.SERVICE_UNAVAILABLE_503);
                        }))
                .build().start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .header("X-Request-Id", "rid-1").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void unexpectedExceptionIsJson500() throws Exception {
        HttpResponse<String> response = get("/boom");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).isEqualTo("{\"error\":\"internal_error\",\"message\":\"unexpected"
                + " IllegalStateException; request id rid-1\"}");
        assertThat(response.headers().firstValue("X-Served-By-App")).contains("filter-host");
        assertThat(response.headers().firstValue("X-Request-Id")).contains("rid-1");
        // the filter logs after the response has gone out: give it a moment
        long deadline = System.nanoTime() + 2_000_000_000L;
        while ((inFlight.count() != 0 || !out.toString(StandardCharsets.UTF_8).contains("status=500"))
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("path=/boom status=500");
        assertThat(inFlight.count()).isZero();
    }

    @Test
    void aServerErrorNamesTheRequestIdButNotTheExceptionsMessage() throws Exception {
        HttpResponse<String> response = get("/down");

        assertThat(response.statusCode()).isGreaterThanOrEqualTo(500);
        assertThat(response.body()).contains("rid-1").doesNotContain("secret detail");
    }

    @Test
    void httpExceptionKeepsItsStatus() throws Exception {
        HttpResponse<String> response = get("/bad");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).isEqualTo("{\"error\":\"bad_request\",\"message\":\"nope\"}");
    }
}
