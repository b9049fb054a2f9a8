package dev.scaleup.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The address plan as {@link Topology} derives it, for the built-in defaults. */
class TopologyTest {

    private final Topology topology = TopologyLoader.defaults(Path.of("/repo"));

    private String address(String host) {
        return topology.host(host).orElseThrow().address().toString();
    }

    @Test
    void gatewayIsTheSubnetsFirstAddress() {
        assertThat(topology.gateway()).hasToString("198.18.0.1");
    }

    @Test
    void hostsSitAtTheirRolesOffsets() {
        assertThat(address("lb1")).isEqualTo("198.18.0.11");
        assertThat(address("lb2")).isEqualTo("198.18.0.12");
        assertThat(address("web1")).isEqualTo("198.18.0.21");
        assertThat(address("web2")).isEqualTo("198.18.0.22");
        assertThat(address("app1")).isEqualTo("198.18.0.41");
        assertThat(address("app3")).isEqualTo("198.18.0.43");
        assertThat(address("db1")).isEqualTo("198.18.0.81");
        assertThat(address("db2")).isEqualTo("198.18.0.82");
        assertThat(topology.host("app4")).isEmpty();
    }

    @Test
    void hostsComeInStartOrder() {
        assertThat(topology.hosts()).extracting(Host::name)
                .containsExactly("db1", "db2", "db3", "backup1", "mon1", "app1", "app2", "app3", "web1", "web2", "lb1",
                        "lb2");
        assertThat(topology.initialPrimary().name()).isEqualTo("db1");
        assertThat(topology.initialVipHolder().name()).isEqualTo("lb1");
    }

    @Test
    void countsAndPortsPerRole() {
        assertThat(List.of(Role.values())).extracting(topology::count).containsExactly(2, 2, 3, 3, 1, 1);
        assertThat(List.of(Role.values())).extracting(topology::port).containsExactly(80, 80, 8080, 5432, 8432, 9090);
        assertThat(topology.withMonitoring(topology.monitoring().withEnabled(false)).count(Role.MON)).isZero();
        assertThat(topology.hosts(Role.MON)).extracting(Host::name, h -> h.address().toString())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("mon1", "198.18.0.92"));
        assertThat(topology.withBackup(topology.backup().withEnabled(false)).count(Role.BACKUP)).isZero();
        Topology withBackup = topology;
        assertThat(withBackup.count(Role.BACKUP)).isEqualTo(1);
        assertThat(withBackup.hosts(Role.BACKUP)).extracting(Host::name, h -> h.address().toString())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("backup1", "198.18.0.91"));
        // start order: the backup host right after the db hosts (its stanza needs the primary)
        assertThat(withBackup.hosts()).extracting(Host::name).containsSubsequence("db3", "backup1", "app1");
    }

    @Test
    void fullRoleBlocksStayInsideTheirBlocksAndAwayFromTheVip() {
        for (Role role : Role.values()) {
            Ipv4 first = topology.network().subnet().at(role.firstOffset() + 1);
            Ipv4 last = topology.network().subnet().at(role.firstOffset() + role.capacity());
            assertThat(topology.network().subnet().contains(last)).isTrue();
            assertThat(topology.network().vip()).isNotIn(first, last);
            assertThat(topology.network().vip().compareTo(first) < 0 || topology.network().vip().compareTo(last) > 0).isTrue();
        }
    }
}
