package dev.scaleup.app.http;

import static java.util.Objects.requireNonNull;

import java.io.PrintStream;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * One line per request: the time (as the app's other log lines write it, so {@code scaleup logs} orders them), method,
 * raw path, status, duration and request id.
 */
public final class AccessLog {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS", Locale.ROOT);
    private final PrintStream out;

    public AccessLog(PrintStream out) {
        this.out = requireNonNull(out, "out is null");
    }

    void log(String method, String rawPath, int status, long durationNanos, String requestId) {
        out.println(String.format(Locale.ROOT, "%s access method=%s path=%s status=%d duration_ms=%.1f request_id=%s",
                TIME.format(LocalDateTime.now()), method, rawPath, status, durationNanos / 1e6, requestId));
    }
}
