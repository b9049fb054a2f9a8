package dev.scaleup.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DidYouMeanTest {

    private static final List<String> TOP = List.of("name", "network", "lb", "web", "app", "db", "site");

    @Test
    void distanceCountsATranspositionAsOneEdit() {
        assertThat(DidYouMean.distance("cuont", "count")).isEqualTo(1);
        assertThat(DidYouMean.distance("count", "count")).isZero();
        assertThat(DidYouMean.distance("", "abc")).isEqualTo(3);
        assertThat(DidYouMean.distance("kitten", "sitting")).isEqualTo(3);
    }

    @Test
    void findsNearWords() {
        assertThat(DidYouMean.nearest("cuont", List.of("count", "port"))).contains("count");
        assertThat(DidYouMean.nearest("prot", List.of("count", "port"))).contains("port");
        assertThat(DidYouMean.nearest("netwrok", TOP)).contains("network");
        assertThat(DidYouMean.nearest("nmae", TOP)).contains("name");
        assertThat(DidYouMean.nearest("Web", TOP)).contains("web");
    }

    @Test
    void ignoresCaseAndSeparatorsAndCompletesPrefixes() {
        List<String> app = List.of("count", "port", "heap_mb");
        assertThat(DidYouMean.nearest("heapMb", app)).contains("heap_mb");
        assertThat(DidYouMean.nearest("heap-mb", app)).contains("heap_mb");
        assertThat(DidYouMean.nearest("heap", app)).contains("heap_mb");
        assertThat(DidYouMean.nearest("replica", List.of("replicas", "port"))).contains("replicas");
    }

    @Test
    void saysNothingWhenNothingIsNear() {
        assertThat(DidYouMean.nearest("foo", List.of("count", "port"))).isEmpty();
        assertThat(DidYouMean.nearest("replicas", List.of("count", "port"))).isEmpty();
        assertThat(DidYouMean.nearest("xyzzy", TOP)).isEmpty();
    }
}
