package dev.scaleup.app.http;

import static java.util.Objects.requireNonNull;

import io.helidon.http.Status;

/**
 * A request the API refuses: answered as {@code {"error": code, "message": message}} with the given status by the
 * route wrapper in {@link Routes}. Cheap to throw (no stack trace): bad input is not exceptional here.
 */
public final class ApiException extends RuntimeException {

    private final transient Status status;
    private final String code;
    private final boolean closeConnection;

    public ApiException(Status status, String code, String message) {
        this(status, code, message, false);
    }

    private ApiException(Status status, String code, String message, boolean closeConnection) {
        super(message, null, false, false);
        this.status = requireNonNull(status, "status is null");
        this.code = requireNonNull(code, "code is null");
        this.closeConnection = closeConnection;
    }

    /** The same refusal, answered with {@code Connection: close} (the rest of the request body was not read). */
    ApiException closingConnection() {
        return new ApiException(status, code, getMessage(), true);
    }

    boolean closeConnection() {
        return closeConnection;
    }

    public Status status() {
        return status;
    }

    public String code() {
        return code;
    }

    static ApiException badRequest(String code, String message) {
        return new ApiException(Status.BAD_REQUEST_400, code, message);
    }
}
