package dev.scaleup.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TimelineTest {

    @Test
    void theLongestGapIsBetweenTwoSuccesses() {
        long[] ends = {100, 200, 300, 3_300, 3_400};
        Timeline.Gap gap = Timeline.longestGap(ends, 0, 3_500);
        assertThat(gap).isEqualTo(new Timeline.Gap(300, 3_300));
        assertThat(gap.micros()).isEqualTo(3_000);
        assertThat(gap.millis()).isEqualTo(3.0);
    }

    @Test
    void theEdgesOfTheWindowCount() {
        assertThat(Timeline.longestGap(new long[] {900, 1_000}, 0, 1_100)).isEqualTo(new Timeline.Gap(0, 900));
        assertThat(Timeline.longestGap(new long[] {100, 200}, 0, 5_000)).isEqualTo(new Timeline.Gap(200, 5_000));
        assertThat(Timeline.longestGap(new long[] {}, 0, 5_000)).isEqualTo(new Timeline.Gap(0, 5_000));
        // successes outside the window are ignored
        assertThat(Timeline.longestGap(new long[] {-5, 10, 20, 9_000}, 0, 100)).isEqualTo(new Timeline.Gap(20, 100));
    }

    @Test
    void firstSuccessAfterAnInstantCountsOnlyAttemptsStartedAfterIt() {
        long[] starts = {90, 95, 150, 160};
        long[] ends = {101, 400, 300, 250};
        // the attempt that started at 90 ended after 100, but was in flight before: it proves nothing
        assertThat(Timeline.firstSuccessStartedAfter(starts, ends, 100)).hasValue(250);
        assertThat(Timeline.firstSuccessStartedAfter(starts, ends, 200)).isEmpty();
    }

    @Test
    void theGapAroundAFaultIsTheOneContainingIt() {
        long[] ends = {100, 200, 1_000, 4_000, 4_100};
        assertThat(Timeline.gapAround(ends, 1_500, 5_000)).isEqualTo(new Timeline.Gap(1_000, 4_000));
        assertThat(Timeline.gapAround(ends, 4_500, 5_000)).isEqualTo(new Timeline.Gap(4_100, 5_000));
        assertThat(Timeline.gapAround(ends, 50, 5_000)).isEqualTo(new Timeline.Gap(0, 100));
    }
}
