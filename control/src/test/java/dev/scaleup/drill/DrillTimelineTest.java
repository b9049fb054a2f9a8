package dev.scaleup.drill;

import static dev.scaleup.drill.DrillTimeline.Phase.AWAIT_HEALTHY;
import static dev.scaleup.drill.DrillTimeline.Phase.AWAIT_WRITES;
import static dev.scaleup.drill.DrillTimeline.Phase.HOLD;
import static dev.scaleup.drill.DrillTimeline.Phase.INJECT;
import static dev.scaleup.drill.DrillTimeline.Phase.RESTORE;
import static dev.scaleup.drill.DrillTimeline.Phase.TAIL;
import static dev.scaleup.drill.ScenariosTest.scenario;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DrillTimelineTest {

    @Test
    void theFaultComesAtAQuarterAndTheRestoreAtSixtyPercent() {
        DrillTimeline t = DrillTimeline.of(scenario("web-kill"), 0);
        assertThat(t.seconds()).isEqualTo(20);
        assertThat(t.faultAtMicros()).isEqualTo(5_000_000);
        assertThat(t.restoreAtMicros()).isEqualTo(12_000_000);
        assertThat(t.healthWait()).isEqualTo(Duration.ofSeconds(60));
        assertThat(t.loadCap()).isEqualTo(Duration.ofSeconds(20 + 60 + 10));
        assertThat(t.phases()).containsExactly(INJECT, HOLD, RESTORE, AWAIT_HEALTHY, TAIL);
    }

    @Test
    void theFaultComesBetweenTwoAndTenSecondsAndTheRestoreTwoSecondsLaterAtTheEarliest() {
        DrillTimeline shortest = DrillTimeline.of(scenario("lb-kill"), 8);
        assertThat(shortest.faultAtMicros()).isEqualTo(2_000_000);
        assertThat(shortest.restoreAtMicros()).isEqualTo(4_800_000);
        DrillTimeline longest = DrillTimeline.of(scenario("lb-kill"), 600);
        assertThat(longest.faultAtMicros()).isEqualTo(10_000_000);
        assertThat(longest.restoreAtMicros()).isEqualTo(360_000_000);
        assertThat(DrillTimeline.of(scenario("db-replica-kill"), 0).faultAtMicros()).isEqualTo(6_250_000);
    }

    @Test
    void thePrimaryScenariosAwaitWritesBeforeTheRestore() {
        DrillTimeline t = DrillTimeline.of(scenario("db-primary-partition"), 0);
        assertThat(t.phases()).containsExactly(INJECT, HOLD, AWAIT_WRITES, RESTORE, AWAIT_HEALTHY, TAIL);
        assertThat(t.faultAtMicros()).isEqualTo(10_000_000);
        assertThat(t.restoreAtMicros()).isEqualTo(24_000_000);
        assertThat(t.loadCap()).isEqualTo(Duration.ofSeconds(40 + 150 + 40));
    }

    @Test
    void anOperationMayKeepTheLoadRunningTenMinutesLonger() {
        DrillTimeline t = DrillTimeline.of(scenario("restart-db"), 8);
        assertThat(t.loadCap()).isEqualTo(Duration.ofSeconds(8 + 150 + 600));
        assertThat(t.phases()).containsExactly(INJECT, HOLD, RESTORE, AWAIT_HEALTHY, TAIL);
    }

    @Test
    void theLoadStopsThreeSecondsAfterHealthyButNotBeforeTheRunsEnd() {
        DrillTimeline t = DrillTimeline.of(scenario("web-kill"), 20);
        assertThat(t.stopAtMicros(13_000_000)).isEqualTo(20_000_000);
        assertThat(t.stopAtMicros(18_500_000)).isEqualTo(21_500_000);
    }
}
