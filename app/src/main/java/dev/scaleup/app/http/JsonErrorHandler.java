package dev.scaleup.app.http;

import static java.util.Objects.requireNonNull;

import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webserver.http.ErrorHandler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.lang.System.Logger.Level;

/**
 * Turns an exception thrown by a handler into a JSON error: an {@link HttpException} keeps its status (and its
 * message, which Helidon writes for the client), anything else is a 500 that hides the exception's message.
 */
public final class JsonErrorHandler implements ErrorHandler<Exception> {

    private static final System.Logger LOG = System.getLogger(JsonErrorHandler.class.getName());

    private final Json json;

    public JsonErrorHandler(Json json) {
        this.json = requireNonNull(json, "json is null");
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res, Exception e) {
        String requestId = RequestFilter.requestId(res);
        if (e instanceof HttpException http && http.status().code() < 500) {
            json.error(res, http.status(), Json.errorCode(http.status()),
                    http.getMessage() == null ? http.status().reasonPhrase() : http.getMessage());
            return;
        }
        LOG.log(Level.ERROR, "request " + requestId + " (" + req.prologue().method().text() + " "
                + req.path().rawPath() + ") failed", e);
        json.error(res, Status.INTERNAL_SERVER_ERROR_500, "internal_error",
                "unexpected " + e.getClass().getSimpleName() + "; request id " + requestId);
    }
}
