package dev.scaleup.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleup.topology.Ipv4;
import dev.scaleup.topology.Subnet;
import dev.scaleup.topology.Topology;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TopologyStoreTest {

    @Test
    void roundTripsEveryField() {
        Topology topology = new Topology("shop", Subnet.parse("198.19.3.0/24"), Ipv4.parse("198.19.3.200"), 2, 8080,
                4, 81, 7, 9090, 256, 2, 5433, "shopdb", "shopper", Path.of("/srv/site"), Path.of("/etc/scaleup.yaml"));
        String json = TopologyStore.toJson(topology);
        assertThat(TopologyStore.fromJson(json)).isEqualTo(topology);
        assertThat(json).contains("\"subnet\" : \"198.19.3.0/24\"").contains("\"heap_mb\" : 256");
    }

    @Test
    void defaultsWithoutASourceFileRoundTrip() {
        Topology topology = new Topology("scaleup", Subnet.parse("198.18.0.0/24"), Ipv4.parse("198.18.0.100"), 2, 80,
                2, 80, 3, 8080, 128, 1, 5432, "app", "app", Path.of("/repo/site"), null);
        assertThat(TopologyStore.fromJson(TopologyStore.toJson(topology))).isEqualTo(topology);
    }

    @Test
    void anUnreadableStateFileIsAnOperatorError() {
        assertThatThrownBy(() -> TopologyStore.fromJson("{\"name\": \"x\"}"))
                .isInstanceOf(OperatorException.class).hasMessageContaining("topology.json is unreadable");
    }
}
