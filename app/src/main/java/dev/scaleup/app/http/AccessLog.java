package dev.scaleup.app.http;

import static java.util.Objects.requireNonNull;

import java.io.PrintStream;
import java.time.LocalDateTime;

/**
 * One line per request: the time (as the app's other log lines write it, so {@code scaleup logs} orders them), method,
 * raw path, status, duration and request id.
 *
 * <p>The line is put together by hand: {@code String.format} and a {@code DateTimeFormatter} were 6 % of the app's
 * CPU on {@code GET /api/accounts/me} (a JFR profile under wrk).
 */
public final class AccessLog {

    private final PrintStream out;

    public AccessLog(PrintStream out) {
        this.out = requireNonNull(out, "out is null");
    }

    void log(String method, String rawPath, int status, long durationNanos, String requestId) {
        out.println(line(LocalDateTime.now(), method, rawPath, status, durationNanos, requestId));
    }

    /** {@code yyyy-MM-ddTHH:mm:ss.SSS access method=… path=… status=… duration_ms=N.N request_id=…}. */
    static String line(LocalDateTime time, String method, String rawPath, int status, long durationNanos,
            String requestId) {
        StringBuilder b = new StringBuilder(96 + rawPath.length() + requestId.length());
        pad(b, time.getYear(), 4).append('-');
        pad(b, time.getMonthValue(), 2).append('-');
        pad(b, time.getDayOfMonth(), 2).append('T');
        pad(b, time.getHour(), 2).append(':');
        pad(b, time.getMinute(), 2).append(':');
        pad(b, time.getSecond(), 2).append('.');
        pad(b, time.getNano() / 1_000_000, 3);
        b.append(" access method=").append(method).append(" path=").append(rawPath).append(" status=").append(status);
        // tenths of a millisecond, rounded half up as %.1f did
        long tenths = (Math.max(0, durationNanos) + 50_000) / 100_000;
        b.append(" duration_ms=").append(tenths / 10).append('.').append(tenths % 10);
        return b.append(" request_id=").append(requestId).toString();
    }

    private static StringBuilder pad(StringBuilder b, int value, int width) {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            b.append('0');
        }
        return b.append(digits);
    }
}
