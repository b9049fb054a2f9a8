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
    void everyAllowedCharacterIsKeptAndNothingElse() {
        String allowed = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:@/+=-";
        assertThat(RequestIds.sane(allowed)).isTrue();
        assertThat(RequestIds.sane("x".repeat(128))).isTrue();
        for (char c = 0; c < 256; c++) {
            assertThat(RequestIds.sane("a" + c)).as("char %d", (int) c).isEqualTo(allowed.indexOf(c) >= 0);
        }
        assertThat(RequestIds.sane("é")).isFalse();
    }

    @Test
    void newIdsAreRandomVersion4Uuids() {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            String id = RequestIds.newId();
            UUID uuid = UUID.fromString(id);
            assertThat(uuid.toString()).isEqualTo(id);
            assertThat(uuid.version()).isEqualTo(4);
            assertThat(uuid.variant()).isEqualTo(2);
            seen.add(id);
        }
        assertThat(seen).hasSize(1_000);
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
