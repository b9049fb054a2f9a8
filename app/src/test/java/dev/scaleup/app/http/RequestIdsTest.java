package dev.scaleup.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RequestIdsTest {

    @Test
    void keepsASaneId() {
        assertThat(RequestIds.fromOrNew(Optional.of("abc-123_x.y:z"))).isEqualTo("abc-123_x.y:z");
        assertThat(RequestIds.fromOrNew(Optional.of(" 0f1e2d "))).isEqualTo("0f1e2d");
    }

    @Test
    void replacesMissingOrUnsafeIds() {
        for (String bad : new String[] {"", "has space", "new\nline", "x".repeat(129), "quote\""}) {
            String id = RequestIds.fromOrNew(Optional.of(bad));
            assertThat(UUID.fromString(id).toString()).isEqualTo(id);
        }
        assertThat(UUID.fromString(RequestIds.fromOrNew(Optional.empty()))).isNotNull();
    }

    @Test
    void visitIdsMustBePositiveLongs() {
        assertThat(ApiHandlers.positiveLong("1")).hasValue(1);
        assertThat(ApiHandlers.positiveLong("9223372036854775807")).hasValue(Long.MAX_VALUE);
        for (String bad : new String[] {"", "0", "-1", "+1", "1.0", "abc", "9223372036854775808", " 1", "1e3"}) {
            assertThat(ApiHandlers.positiveLong(bad)).as(bad).isEmpty();
        }
    }
}
