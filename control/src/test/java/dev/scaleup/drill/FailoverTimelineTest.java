package dev.scaleup.drill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.logs.Logs;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FailoverTimelineTest {

    static final Instant FAULT = Instant.parse("2026-12-01T09:50:26.400Z");

    static List<Logs.Line> lines(String host, String source, String... text) {
        return Logs.timed(host, source, List.of(text), ZoneOffset.UTC);
    }

    @Test
    void aPrimaryFailoverFromTheSurvivorsPatroniAndPostgresqlLines() {
        List<Logs.Line> all = new ArrayList<>();
        all.addAll(lines("db1", "patroni",
                "2026-12-01 09:50:26.300 UTC [3318] db1 LOG:  could not receive data from WAL stream: the target's own"));
        all.addAll(lines("db3", "patroni",
                "2026-12-01 09:50:20.000 UTC [3318] db3 FATAL:  could not receive data from WAL stream: before the fault",
                "2026-12-01 09:50:26.473 UTC [3318] db3 FATAL:  could not receive data from WAL stream: server closed",
                "2026-12-01 09:50:26.481 UTC [21321] db3 FATAL:  could not connect to the primary server: refused",
                "2026-12-01 09:50:36,390 db3 INFO: leader-watch: the leader key expired (etcd: expire): waking Patroni",
                "2026-12-01 09:50:36,407 db3 WARNING: Request failed to db1: GET http://198.18.40.81:8008/patroni",
                "2026-12-01 09:50:36,424 db3 INFO: promoted self to leader by acquiring session lock",
                "2026-12-01 09:50:36.450 UTC [3279] db3 LOG:  selected new timeline ID: 3",
                "2026-12-01 09:50:36.500 UTC [3275] db3 LOG:  database system is ready to accept connections"));
        all.addAll(lines("db2", "patroni",
                "2026-12-01 09:50:37.000 UTC [3275] db2 LOG:  database system is ready to accept read-only connections"));
        FailoverTimeline t = FailoverTimeline.of(Scenarios.byName("db-primary-kill").orElseThrow(), FAULT, "db1", all,
                300.0, 13_280.0);
        assertThat(t.steps()).extracting(FailoverTimeline.Step::what).containsExactly(
                "detected: a replica lost the primary's WAL stream",
                "detected: the leader key is gone (etcd watch), Patroni woken",
                "detected: the leader key expired, Patroni asks the other members",
                "decided: promoted by acquiring the leader lock", "moved: PostgreSQL promoted (new timeline)",
                "ready: the primary accepts connections", "first success: an acknowledged write");
        assertThat(t.steps()).extracting(FailoverTimeline.Step::ms).containsExactly(73.0, 9_990.0, 10_007.0, 10_024.0, 10_050.0,
                10_100.0, 13_280.0);
        assertThat(t.steps().get(3).host()).isEqualTo("db3");
        assertThat(t.text()).startsWith("failover: fault → 73 ms detected: a replica lost the primary's WAL stream (db3)")
                .endsWith("→ 13280 ms first success: an acknowledged write");
    }

    @Test
    void aVipMoveFromTheNotifyLineAndNotFromKeepalivedsWholeSeconds() {
        List<Logs.Line> all = new ArrayList<>();
        all.addAll(lines("lb2", "haproxy",
                "Tue Dec  1 09:50:26 2026: (VI_si) Receive advertisement timeout",
                "Tue Dec  1 09:50:26 2026: (VI_si) Entering MASTER STATE",
                "2026-12-01T09:50:26.581250+00:00 keepalived notify: (VI_si) MASTER STATE, priority 100"));
        FailoverTimeline t = FailoverTimeline.of(Scenarios.byName("lb-partition").orElseThrow(), FAULT, "lb1", all,
                231.0, 240.0);
        assertThat(t.steps()).extracting(FailoverTimeline.Step::what)
                .containsExactly("decided: MASTER", "first success: a request answered");
        assertThat(t.steps().get(0).ms()).isEqualTo(181.25);
    }

    @Test
    void aScenarioThatMovesNothingHasNoTimeline() {
        FailoverTimeline t = FailoverTimeline.of(Scenarios.byName("web-kill").orElseThrow(), FAULT, "web1",
                lines("lb2", "haproxy", "2026-12-01T09:50:26.581250+00:00 keepalived notify: (VI_si) MASTER STATE"),
                10.0, 20.0);
        assertThat(t.steps()).isEmpty();
        assertThat(t.text()).isEmpty();
        assertThat(FailoverTimeline.roles(Scenarios.byName("web-kill").orElseThrow())).isEmpty();
    }
}
