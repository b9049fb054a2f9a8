package dev.scaleup.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helidon.common.uri.UriQuery;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PagingTest {

    @Test
    void defaultsAndValues() {
        assertThat(Paging.from(UriQuery.create(""))).isEqualTo(new Paging(20, Long.MAX_VALUE));
        assertThat(Paging.from(UriQuery.create("limit=100&before=42"))).isEqualTo(new Paging(100, 42));
        assertThat(Paging.from(UriQuery.create("limit=1"))).isEqualTo(new Paging(1, Long.MAX_VALUE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"limit=0", "limit=101", "limit=-1", "limit=", "limit=1.5", "limit=1&limit=2",
        "before=0", "before=abc", "before=9223372036854775808", "page=2", "limit=5&offset=1"})
    void badParameters(String query) {
        assertThatThrownBy(() -> Paging.from(UriQuery.create(query))).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.status().code()).isEqualTo(400));
    }

    @Test
    void nextBeforeIsTheLastShownIdWhenThereIsMore() {
        assertThat(Paging.nextBefore(List.of(9L, 8L, 7L), 2)).isEqualTo(8L);
        assertThat(Paging.nextBefore(List.of(9L, 8L), 2)).isNull();
        assertThat(Paging.nextBefore(List.of(), 2)).isNull();
    }
}
