package dev.scaleup.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** A small real-HTTP client for the tests. */
final class TestHttp {

    /** A response with its body parsed as JSON (null when the body is not JSON). */
    record Response(int status, HttpResponse<String> raw, JsonNode json) {

        Optional<String> header(String name) {
            return raw.headers().firstValue(name);
        }

        long number(String field) {
            JsonNode node = json == null ? null : json.get(field);
            if (node == null || !node.isIntegralNumber()) {
                throw new AssertionError("no integer field '" + field + "' in " + raw.body());
            }
            return node.longValue();
        }

        String text(String field) {
            JsonNode node = json == null ? null : json.get(field);
            return node == null || node.isNull() ? null : node.asText();
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    TestHttp(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** Another client (its own connections) for the same server. */
    TestHttp(TestHttp sameServer) {
        this.base = sameServer.base;
    }

    Response get(String path) {
        return send("GET", path, null);
    }

    Response send(String method, String path, String requestId) {
        return call(method, path, requestId == null ? Map.of() : Map.of("X-Request-Id", requestId),
                HttpRequest.BodyPublishers.noBody());
    }

    /** A JSON request: {@code Content-Type: application/json} plus {@code headers} (a null value drops it). */
    Response json(String method, String path, Map<String, String> headers, String body) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("Content-Type", "application/json");
        headers.forEach(all::put);
        all.values().removeIf(Objects::isNull);
        return call(method, path, all, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }

    Response call(String method, String path, Map<String, String> headers, HttpRequest.BodyPublisher body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body);
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response, parse(response.body()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parse(String body) {
        try {
            return body.isEmpty() ? null : MAPPER.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
