package dev.scaleup.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DrainTest {

    @Test
    void waitsTheMinimumWhenNothingIsInFlight() {
        long start = System.nanoTime();

        int left = new Drain(() -> 0, Duration.ofSeconds(5), Duration.ofMillis(300)).await();

        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(left).isZero();
        assertThat(elapsedMs).isBetween(290L, 2_000L);
    }

    @Test
    void returnsOnceRequestsFinish() throws InterruptedException {
        AtomicInteger inFlight = new AtomicInteger(1);
        long start = System.nanoTime(); // before the finisher starts, so its 400 ms all fall after this
        Thread finisher = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(400);
            } catch (InterruptedException e) {
                return;
            }
            inFlight.set(0);
        });

        int left = new Drain(inFlight::get, Duration.ofSeconds(5), Duration.ofMillis(100)).await();

        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        finisher.join();
        assertThat(left).isZero();
        assertThat(elapsedMs).isBetween(390L, 3_000L);
    }

    @Test
    void givesUpAtTheTimeout() {
        long start = System.nanoTime();

        int left = new Drain(() -> 2, Duration.ofMillis(300), Duration.ofSeconds(1)).await();

        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(left).isEqualTo(2);
        assertThat(elapsedMs).isBetween(290L, 2_000L);
    }

    @Test
    void zeroTimeoutReturnsAtOnce() {
        assertThat(new Drain(() -> 0, Duration.ZERO, Duration.ofSeconds(1)).await()).isZero();
    }
}
