package dev.scaleup.ops;

import static org.assertj.core.api.Assertions.assertThat;

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

/** The edge settings survive the state directory, and state written before they existed reads as the defaults. */
class TopologyStoreEdgeTest {

    static final Topology T = Topology.defaults("shop", Path.of("/srv/shop"))
            .withNetwork(new Network(Subnet.parse("198.19.3.0/24"), Ipv4.parse("198.19.3.200")))
            .withLb(new Lb(2, 8080, 1, Edge.defaults("shop"))).withWeb(new Web(3, 8081)).withApp(new App(4, 9090, 256))
            .withDb(new Db(2, 5433, "shop", "shop_app"));

    @Test
    void edgeSettingsRoundTrip() {
        Topology t = T.withEdge(new Edge(8443, true, 300, 7, "www.shop.example", Path.of("/etc/c.pem"), Path.of("/etc/k.pem")));
        assertThat(TopologyStore.fromJson(TopologyStore.toJson(t))).isEqualTo(t);
        assertThat(TopologyStore.fromJson(TopologyStore.toJson(T))).isEqualTo(T);
    }

    @Test
    void olderStateGetsTheDefaults() {
        String json = TopologyStore.toJson(T).replaceAll("(?s),\\s*\"https_port\".*?\"tls_key\" : null", "");
        assertThat(json).doesNotContain("https_port");
        assertThat(TopologyStore.fromJson(json).lb().edge()).isEqualTo(Edge.defaults("shop"));
    }
}
