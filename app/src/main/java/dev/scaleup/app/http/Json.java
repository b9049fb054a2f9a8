package dev.scaleup.app.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import java.io.UncheckedIOException;

/** Writes JSON responses; record components become snake_case fields ({@code appHost} → {@code app_host}). */
public final class Json {

    /** The body of every error response. */
    public record ErrorBody(String error, String message) {
    }

    /**
     * The body of an error that is the server's, not the request's: a fixed message and the request id, under which
     * the server logged the details (which may name hosts, users or SQL, so they stay out of the answer).
     */
    public record ServerErrorBody(String error, String message, String requestId) {
    }

    private final ObjectMapper mapper;

    public Json() {
        this.mapper = JsonMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .build();
    }

    public byte[] bytes(Object body) {
        try {
            return mapper.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void send(ServerResponse res, Status status, Object body) {
        sendJson(res, status, bytes(body));
    }

    /** Sends a body that is JSON already (a stored answer). */
    public void sendJson(ServerResponse res, Status status, byte[] json) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(json);
    }

    public void error(ServerResponse res, Status status, String error, String message) {
        send(res, status, new ErrorBody(error, message));
    }

    /** The error code used for a status without a more specific one, e.g. {@code bad_request}. */
    public static String errorCode(Status status) {
        return switch (status.code()) {
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 413 -> "payload_too_large";
            case 415 -> "unsupported_media_type";
            case 500 -> "internal_error";
            case 503 -> "unavailable";
            default -> "http_" + status.code();
        };
    }
}
