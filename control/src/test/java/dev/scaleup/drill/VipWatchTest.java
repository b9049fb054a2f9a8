package dev.scaleup.drill;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VipWatchTest {

    @Test
    void theLongestStretchWithTwoHoldersCountsFromTheFirstSampleSeeingThemToTheFirstSeeingOne() {
        VipWatch.Split split = new VipWatch.Split();
        split.sample(0, 1);
        split.sample(100, 2);
        split.sample(200, 2);
        split.sample(400, 1);
        split.sample(500, 2);
        split.sample(600, 0);
        assertThat(split.longest(700)).isEqualTo(300);
    }

    @Test
    void aSplitStillOpenCountsUntilTheWatchStops() {
        VipWatch.Split split = new VipWatch.Split();
        split.sample(0, 2);
        split.sample(100, 1);
        split.sample(1_000, 2);
        assertThat(split.longest(5_000)).isEqualTo(4_000);
    }

    @Test
    void neverTwoHoldersIsNoSplit() {
        VipWatch.Split split = new VipWatch.Split();
        split.sample(0, 1);
        split.sample(100, 0);
        assertThat(split.longest(200)).isZero();
    }
}
