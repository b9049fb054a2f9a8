package dev.scaleup.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** A small real-HTTP client for the tests. */
final class TestHttp {

    /** A response with its body parsed as JSON (null when the body is not JSON). */
    record Response(int status, HttpResponse<String> raw, JsonNode json) {

        Optional<String> header(String name) {
            return raw.headers().firstValue(name);
        }

        String text(String field) {
            JsonNode node = json == null ? null : json.get(field);
            return node == null || node.isNull() ? null : node.asText();
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    TestHttp(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    Response get(String path) {
        return send("GET", path, null);
    }

    Response send(String method, String path, String requestId) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (requestId != null) {
            request.header("X-Request-Id", requestId);
        }
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
