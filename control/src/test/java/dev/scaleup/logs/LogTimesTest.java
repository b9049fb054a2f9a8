package dev.scaleup.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Lines as the stack's processes write them (copied from a running stack's logs). */
class LogTimesTest {

    private static final ZoneId UTC = ZoneOffset.UTC;
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private static Instant at(String line, ZoneId zone) {
        return LogTimes.parse(line, zone).orElseThrow(() -> new AssertionError("no time in: " + line));
    }

    @Test
    void everyFormatOfTheStack() {
        assertThat(at("2026-12-01T04:20:05.736 INFO com.zaxxer.hikari.HikariDataSource: primary - Starting...", UTC))
                .isEqualTo("2026-12-01T04:20:05.736Z");
        assertThat(at("2026-12-01T04:26:39.123 access method=GET path=/api/info status=200 duration_ms=15.7"
                + " request_id=trace-abc-123", UTC)).isEqualTo("2026-12-01T04:26:39.123Z");
        assertThat(at("2026-12-01 04:26:21,742 db1 INFO: Lock owner: None; I am db1", UTC))
                .isEqualTo("2026-12-01T04:26:21.742Z");
        assertThat(at("{\"level\":\"warn\",\"ts\":\"2026-12-01T04:26:19.366Z\",\"caller\":\"auth/store.go:1380\"}", BERLIN))
                .as("etcd's JSON, in UTC whatever the machine's zone").isEqualTo("2026-12-01T04:26:19.366Z");
        assertThat(at("2026-12-01 04:26:22.100 UTC [4711] LOG:  database system is ready to accept connections", BERLIN))
                .isEqualTo("2026-12-01T04:26:22.100Z");
        assertThat(at("198.18.40.11 [01/Dec/2026:04:26:39 +0100] \"GET /api/info HTTP/1.1\" 200 110 rid=trace-abc-123", UTC))
                .isEqualTo("2026-12-01T03:26:39Z");
        assertThat(at("2026/12/01 04:26:39 [error] 12#12: *3 connect() failed (111: Connection refused)", UTC))
                .isEqualTo("2026-12-01T04:26:39Z");
        assertThat(at("Tue Dec  1 04:26:38 2026: Starting Keepalived v2.2.7 (01/16,2022)", UTC))
                .isEqualTo("2026-12-01T04:26:38Z");
        assertThat(at("2026-12-01T04:26:39.123456+00:00 db1 patroni[811]: INFO: no action", BERLIN))
                .as("journalctl short-iso-precise").isEqualTo("2026-12-01T04:26:39.123456Z");
        assertThat(at("2026-12-01T05:26:39+0100 web1 nginx[90]: started", UTC)).isEqualTo("2026-12-01T04:26:39Z");
    }

    @Test
    void aTimeWithoutZoneIsInTheMachinesZone() {
        assertThat(at("2026-07-01T12:00:00.000 INFO x", BERLIN)).isEqualTo("2026-07-01T10:00:00Z");
        assertThat(at("2026/12/01 12:00:00 [warn] x", BERLIN)).isEqualTo("2026-12-01T11:00:00Z");
    }

    @Test
    void linesWithoutATimeHaveNone() {
        assertThat(LogTimes.parse("[NOTICE]   (27269) : New worker (27274) forked", UTC)).isEmpty();
        assertThat(LogTimes.parse("\tat dev.scaleup.app.App.start(App.java:81)", UTC)).isEmpty();
        assertThat(LogTimes.parse("app app1 listening on 198.18.40.41:8080", UTC)).isEmpty();
        assertThat(LogTimes.parse("", UTC)).isEmpty();
        assertThat(LogTimes.parse("Foo Bar  1 04:26:38 2026: not a month", UTC)).isEmpty();
        assertThat(LogTimes.parse("x".repeat(60) + " 2026-12-01T04:20:05.736 far into the line", UTC))
                .as("a time in the message, not at the start").isEmpty();
    }
}
