package dev.scaleup.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class LogsTest {

    private static final ZoneId UTC = ZoneOffset.UTC;

    private static final List<String> APP = List.of(
            "app app1 listening on 198.18.40.41:8080",
            "2026-12-01T04:26:39.100 access method=GET path=/api/info status=200 duration_ms=15.7 request_id=r-1",
            "2026-12-01T04:26:41.000 SEVERE dev.scaleup.app.http.JsonErrorHandler: unexpected",
            "\tat dev.scaleup.app.App.start(App.java:81)",
            "2026-12-01T04:26:43.000 access method=POST path=/api/transfers status=503 duration_ms=2.0 request_id=r-2");
    private static final List<String> NGINX = List.of(
            "198.18.40.11 [01/Dec/2026:04:26:39 +0000] \"GET /api/info HTTP/1.1\" 200 110 rid=r-1 upstream=a rt=0.02",
            "198.18.40.11 [01/Dec/2026:04:26:43 +0000] \"POST /api/transfers HTTP/1.1\" 503 60 rid=r-2 upstream=a rt=0.01");
    private static final List<String> HAPROXY = List.of(
            "[NOTICE]   (27269) : New worker (27274) forked",
            "Tue Dec  1 04:26:40 2026: (VI_si) Entering MASTER STATE");

    private static List<List<Logs.Line>> stack() {
        return List.of(Logs.timed("app1", "app", APP, UTC), Logs.timed("web1", "nginx-access", NGINX, UTC),
                Logs.timed("lb1", "haproxy", HAPROXY, UTC));
    }

    private static Logs.Query all() {
        return new Logs.Query(Optional.empty(), Optional.empty(), Optional.empty(), Integer.MAX_VALUE);
    }

    @Test
    void aLineWithoutATimeTakesTheOneBeforeItAndTheFirstLinesTheFirstTime() {
        List<Logs.Line> app = Logs.timed("app1", "app", APP, UTC);
        assertThat(app).extracting(l -> l.time().toString()).containsExactly("2026-12-01T04:26:39.100Z",
                "2026-12-01T04:26:39.100Z", "2026-12-01T04:26:41Z", "2026-12-01T04:26:41Z", "2026-12-01T04:26:43Z");
        assertThat(Logs.timed("x", "y", List.of("no time", "none here"), UTC)).extracting(Logs.Line::time)
                .containsOnly(Instant.EPOCH);
    }

    @Test
    void everySourceInOneListByTimeEachSourceInItsOwnOrderOnATie() {
        List<String> shown = Logs.format(Logs.select(stack(), all()));
        // nginx writes whole seconds: its 04:26:39 comes before the app's 04:26:39.100
        assertThat(shown).containsExactly(
                "web1 nginx-access | " + NGINX.get(0),
                "app1 app          | app app1 listening on 198.18.40.41:8080",
                "app1 app          | " + APP.get(1),
                "lb1  haproxy      | " + HAPROXY.get(0),
                "lb1  haproxy      | " + HAPROXY.get(1),
                "app1 app          | " + APP.get(2),
                "app1 app          | " + APP.get(3),
                "app1 app          | " + APP.get(4),
                "web1 nginx-access | " + NGINX.get(1));
    }

    @Test
    void oneRequestThroughEveryTier() {
        List<Logs.Line> r2 = Logs.select(stack(), new Logs.Query(Optional.empty(), Optional.empty(), Optional.of("r-2"),
                Integer.MAX_VALUE));
        assertThat(r2).extracting(Logs.Line::host).containsExactly("app1", "web1");
        assertThat(r2).allMatch(l -> l.text().contains("r-2"));
    }

    @Test
    void sinceGrepAndTheLastNLines() {
        Instant since = Instant.parse("2026-12-01T04:26:41Z");
        assertThat(Logs.select(stack(), new Logs.Query(Optional.of(since), Optional.empty(), Optional.empty(), 100)))
                .extracting(Logs.Line::text).containsExactly(APP.get(2), APP.get(3), APP.get(4), NGINX.get(1));
        assertThat(Logs.select(stack(), new Logs.Query(Optional.empty(), Optional.of(Pattern.compile(" 50[0-9] ")),
                Optional.empty(), 100))).extracting(Logs.Line::host).containsExactly("web1");
        assertThat(Logs.select(stack(), new Logs.Query(Optional.empty(), Optional.empty(), Optional.empty(), 2)))
                .extracting(Logs.Line::text).containsExactly(APP.get(4), NGINX.get(1));
        assertThat(Logs.select(stack(), new Logs.Query(Optional.empty(), Optional.empty(), Optional.empty(), 0))).isEmpty();
    }

    @Test
    void sinceIsAnAgeOrATime() {
        Instant now = Instant.parse("2026-12-01T12:00:00Z");
        assertThat(Logs.since("30s", now, UTC)).isEqualTo("2026-12-01T11:59:30Z");
        assertThat(Logs.since("5m", now, UTC)).isEqualTo("2026-12-01T11:55:00Z");
        assertThat(Logs.since("2h", now, UTC)).isEqualTo("2026-12-01T10:00:00Z");
        assertThat(Logs.since("1d", now, UTC)).isEqualTo("2026-11-30T12:00:00Z");
        assertThat(Logs.since("2026-12-01T04:26:00", now, ZoneId.of("Europe/Berlin"))).isEqualTo("2026-12-01T03:26:00Z");
        assertThat(Logs.since("2026-12-01T04:26:00Z", now, ZoneId.of("Europe/Berlin"))).isEqualTo("2026-12-01T04:26:00Z");
        assertThat(Logs.since("2026-12-01T04:26:00+01:00", now, UTC)).isEqualTo("2026-12-01T03:26:00Z");
        assertThatThrownBy(() -> Logs.since("yesterday", now, UTC)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--since 'yesterday'").hasMessageContaining("30s, 5m, 2h, 1d");
        assertThatThrownBy(() -> Logs.since("5w", now, UTC)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aProcessOwnsItsSourcesOnEitherTarget() {
        assertThat(Logs.sourceMatches("nginx-access", "nginx")).isTrue();
        assertThat(Logs.sourceMatches("nginx", "nginx")).isTrue();
        assertThat(Logs.sourceMatches("scaleup-app", "app")).isTrue();
        assertThat(Logs.sourceMatches("haproxy", "keepalived")).isTrue();
        assertThat(Logs.sourceMatches("patroni", "etcd")).isFalse();
        assertThat(Logs.sourceMatches("etcd", "etc")).isFalse();
    }
}
