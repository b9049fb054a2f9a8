package dev.scaleup.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

class AccessLogTest {

    @Test
    void aLineAsTheOtherLogLinesWriteTheTime() {
        assertThat(AccessLog.line(LocalDateTime.of(2026, 12, 3, 7, 5, 9, 42_000_000), "GET", "/api/accounts/me", 200,
                1_234_567, "abc-1"))
                .isEqualTo("2026-12-03T07:05:09.042 access method=GET path=/api/accounts/me status=200"
                        + " duration_ms=1.2 request_id=abc-1");
        assertThat(AccessLog.line(LocalDateTime.of(987, 1, 31, 23, 59, 59, 999_999_999), "POST", "/x?y=1", 503,
                12_345_678_901L, "r"))
                .isEqualTo("0987-01-31T23:59:59.999 access method=POST path=/x?y=1 status=503"
                        + " duration_ms=12345.7 request_id=r");
    }

    @Test
    void durationsRoundToATenthOfAMillisecondHalfUp() {
        LocalDateTime t = LocalDateTime.of(2026, 1, 1, 0, 0);
        assertThat(AccessLog.line(t, "GET", "/", 200, 0, "r")).contains(" duration_ms=0.0 ");
        assertThat(AccessLog.line(t, "GET", "/", 200, 49_999, "r")).contains(" duration_ms=0.0 ");
        assertThat(AccessLog.line(t, "GET", "/", 200, 50_000, "r")).contains(" duration_ms=0.1 ");
        assertThat(AccessLog.line(t, "GET", "/", 200, 999_999, "r")).contains(" duration_ms=1.0 ");
        assertThat(AccessLog.line(t, "GET", "/", 200, 10_950_000, "r")).contains(" duration_ms=11.0 ");
    }
}
