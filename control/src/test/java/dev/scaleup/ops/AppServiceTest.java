package dev.scaleup.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AppServiceTest {

    @Test
    void aRefusalNamesTheAppsOwnReason() {
        assertThat(AppService.notReadyReason(
                "{\"status\":\"not_ready\",\"reason\":\"migrations pending: connection refused\"}"))
                .isEqualTo(": migrations pending: connection refused");
    }

    @Test
    void aBodyWithoutAReasonAddsNothing() {
        assertThat(AppService.notReadyReason("")).isEmpty();
        assertThat(AppService.notReadyReason("<html>503</html>")).isEmpty();
        assertThat(AppService.notReadyReason("{\"status\":\"not_ready\"}")).isEmpty();
        assertThat(AppService.notReadyReason("{\"reason\":42}")).isEmpty();
        assertThat(AppService.notReadyReason("{\"reason\":\"  \"}")).isEmpty();
    }
}
