package dev.scaleup.app.http;

import static java.util.Objects.requireNonNull;

import java.io.PrintStream;
import java.util.Locale;

/** One line per request: method, raw path, status, duration and request id. */
public final class AccessLog {

    private final PrintStream out;

    public AccessLog(PrintStream out) {
        this.out = requireNonNull(out, "out is null");
    }

    void log(String method, String rawPath, int status, long durationNanos, String requestId) {
        out.println(String.format(Locale.ROOT, "access method=%s path=%s status=%d duration_ms=%.1f request_id=%s",
                method, rawPath, status, durationNanos / 1e6, requestId));
    }
}
