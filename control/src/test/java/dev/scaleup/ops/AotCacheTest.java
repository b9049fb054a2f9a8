package dev.scaleup.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AotCacheTest {

    @Test
    void readsATopLevelStringOrNumberFieldOfAnAnswer() {
        String session = "{\"token\": \"v1.abc-DEF_0\", \"expires_at\":\"2026-12-03T18:00:00Z\",\"user_id\":7}";
        assertThat(AotCache.field(session, "token")).isEqualTo("v1.abc-DEF_0");
        assertThat(AotCache.field(session, "user_id")).isEqualTo("7");
        assertThat(AotCache.field("{\"account_id\":-12}", "account_id")).isEqualTo("-12");
    }

    @Test
    void aMissingFieldOrNoAnswerIsEmpty() {
        assertThat(AotCache.field("{\"error\":\"bad_request\"}", "token")).isEmpty();
        assertThat(AotCache.field("", "token")).isEmpty();
        assertThat(AotCache.field("{\"token\": null}", "token")).isEmpty();
    }

    @Test
    void aFieldNameIsTakenLiterally() {
        assertThat(AotCache.field("{\"axcount_id\":5,\"a.count_id\":6}", "a.count_id")).isEqualTo("6");
    }
}
