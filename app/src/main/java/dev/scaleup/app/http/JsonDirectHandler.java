package dev.scaleup.app.http;

import static java.util.Objects.requireNonNull;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;

/**
 * Answers what Helidon refuses before routing (a malformed request line, header or URI encoding, an oversized
 * prologue) with the same JSON error body as everything else. The message is generic: Helidon's own may quote the
 * request.
 */
public final class JsonDirectHandler implements DirectHandler {

    private final String hostName;
    private final Json json;

    public JsonDirectHandler(String hostName) {
        this.hostName = requireNonNull(hostName, "hostName is null");
        this.json = new Json();
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
                                    ServerResponseHeaders headers, String message) {
        String reason = switch (eventType) {
            case BAD_REQUEST -> "the request is not valid HTTP (request line, headers or percent-encoding)";
            case PAYLOAD_TOO_LARGE -> JsonInput.TOO_LARGE_MESSAGE;
            case HTTP_VERSION_NOT_SUPPORTED -> "only HTTP/1.1 is supported";
            default -> status.reasonPhrase();
        };
        headers.set(HeaderNames.CONTENT_TYPE, "application/json");
        headers.set(RequestFilter.SERVED_BY, hostName);
        return TransportResponse.builder()
                .status(status)
                .headers(headers)
                .keepAlive(eventType.keepAlive())
                .entity(json.bytes(new Json.ErrorBody(Json.errorCode(status), reason)))
                .build();
    }
}
