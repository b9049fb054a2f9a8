package dev.scaleup.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleup.topology.App;
import dev.scaleup.topology.Db;
import dev.scaleup.topology.Edge;
import dev.scaleup.topology.Ipv4;
import dev.scaleup.topology.Lb;
import dev.scaleup.topology.Network;
import dev.scaleup.topology.Subnet;
import dev.scaleup.topology.Topology;
import dev.scaleup.topology.Web;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TopologyStoreTest {

    @Test
    void roundTripsEveryField() {
        Topology topology = Topology.defaults("shop", Path.of("/srv/site"))
                .withNetwork(new Network(Subnet.parse("198.19.3.0/24"), Ipv4.parse("198.19.3.200")))
                .withLb(new Lb(2, 8080, 4, Edge.defaults("shop"))).withWeb(new Web(4, 81)).withApp(new App(7, 9090, 256))
                .withDb(new Db(2, 5433, "shopdb", "shopper")).withSource(Path.of("/etc/scaleup.yaml"));
        String json = TopologyStore.toJson(topology);
        assertThat(TopologyStore.fromJson(json)).isEqualTo(topology);
        assertThat(json).contains("\"subnet\" : \"198.19.3.0/24\"").contains("\"heap_mb\" : 256");
    }

    @Test
    void theHostsTargetRoundTripsWithItsServers() throws java.io.IOException {
        Path repo = java.nio.file.Files.isDirectory(Path.of("examples")) ? Path.of("") : Path.of("..");
        Topology hosts = dev.scaleup.topology.TopologyLoader.parse(
                java.nio.file.Files.readString(repo.resolve("examples/hosts.yaml")), Path.of("/repo/examples"),
                Path.of("/repo"), Path.of("/repo/examples/hosts.yaml"), false);
        String json = TopologyStore.toJson(hosts);
        assertThat(TopologyStore.fromJson(json)).isEqualTo(hosts);
        assertThat(json).contains("\"target\" : \"hosts\"").contains("\"interface\" : \"host0\"")
                .contains("\"ssh_key\" : \"/repo/examples/lab/db3_ed25519\"");
        assertThat(TopologyStore.toJson(Topology.defaults("scaleup", Path.of("/repo/site")))).doesNotContain("target");
    }

    @Test
    void defaultsWithoutASourceFileRoundTrip() {
        Topology topology = Topology.defaults("scaleup", Path.of("/repo/site"));
        assertThat(TopologyStore.fromJson(TopologyStore.toJson(topology))).isEqualTo(topology);
    }

    @Test
    void anUnreadableStateFileIsAnOperatorError() {
        assertThatThrownBy(() -> TopologyStore.fromJson("{\"name\": \"x\"}"))
                .isInstanceOf(OperatorException.class).hasMessageContaining("topology.json is unreadable");
    }
}
