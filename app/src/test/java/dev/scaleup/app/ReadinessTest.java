package dev.scaleup.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReadinessTest {

    @Test
    void readyWhenMigratedAndPrimaryAnswers() {
        assertThat(new Readiness(Optional::empty, Optional::empty).notReadyReason()).isEmpty();
    }

    @Test
    void pendingMigrationsComeFirstAndSkipTheLiveCheck() {
        AtomicInteger checks = new AtomicInteger();
        Readiness readiness = new Readiness(() -> Optional.of("refused"), () -> {
            checks.incrementAndGet();
            return Optional.empty();
        });

        assertThat(readiness.notReadyReason()).contains("migrations pending: refused");
        assertThat(checks).hasValue(0);
    }

    @Test
    void primaryDownIsNotReady() {
        assertThat(new Readiness(Optional::empty, () -> Optional.of("timeout")).notReadyReason())
                .contains("primary database unavailable: timeout");
    }

    @Test
    void drainingWins() {
        Readiness readiness = new Readiness(Optional::empty, Optional::empty);
        readiness.startDraining();

        assertThat(readiness.draining()).isTrue();
        assertThat(readiness.notReadyReason()).contains("draining");
    }
}
