package dev.scaleup.app.http;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Timestamps in bodies: ISO-8601 in UTC, e.g. {@code 2025-01-31T12:00:00.123456Z}. */
final class Times {

    private Times() {
    }

    static String iso(OffsetDateTime time) {
        return time == null ? null : DateTimeFormatter.ISO_INSTANT.format(time.withOffsetSameInstant(ZoneOffset.UTC));
    }

    static String iso(Instant time) {
        return DateTimeFormatter.ISO_INSTANT.format(time);
    }
}
