package dev.scaleup.app.db;

/** No database could serve the request in time; the HTTP answer is 503 {@code db_unavailable}. */
public final class DbUnavailableException extends Exception {

    public DbUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
