package dev.scaleup.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleup.ops.RefusedException;
import dev.scaleup.topology.Subnet;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabPlanTest {

    private static final Subnet SUBNET = Subnet.parse("198.19.50.0/24");

    private static List<String> names(int n) {
        return LabPlan.of("labx", SUBNET, n).hosts().stream().map(LabHost::name).toList();
    }

    @Test
    void spreadsTheHostsLikeTheDefaultTopology() {
        assertThat(names(6)).containsExactly("lb1", "lb2", "web1", "app1", "db1", "db2");
        assertThat(names(7)).containsExactly("lb1", "lb2", "web1", "app1", "db1", "db2", "db3");
        assertThat(names(9)).containsExactly("lb1", "lb2", "web1", "web2", "app1", "app2", "db1", "db2", "db3");
        assertThat(names(10)).containsExactly("lb1", "lb2", "web1", "web2", "app1", "app2", "app3", "db1", "db2", "db3");
        // beyond the default topology, web and app in turn
        assertThat(names(12)).containsExactly("lb1", "lb2", "web1", "web2", "web3", "app1", "app2", "app3", "app4",
                "db1", "db2", "db3");
        assertThat(names(LabPlan.MAX_HOSTS)).hasSize(LabPlan.MAX_HOSTS).doesNotHaveDuplicates();
    }

    @Test
    void placesEachRoleInItsBlockOfTheAddressPlan() {
        LabPlan plan = LabPlan.of("labx", SUBNET, 10);
        assertThat(plan.hosts().stream().map(h -> h.name() + "=" + h.address()).toList()).containsExactly(
                "lb1=198.19.50.11", "lb2=198.19.50.12", "web1=198.19.50.21", "web2=198.19.50.22",
                "app1=198.19.50.41", "app2=198.19.50.42", "app3=198.19.50.43",
                "db1=198.19.50.81", "db2=198.19.50.82", "db3=198.19.50.83");
        assertThat(plan.gateway()).hasToString("198.19.50.1");
        assertThat(plan.vip()).hasToString("198.19.50.100");
        assertThat(plan.bridge()).isEqualTo("labx-hbr");
        assertThat(plan.machine(plan.host("web2"))).isEqualTo("labx-web2");
    }

    @Test
    void refusesTooFewOrTooManyHosts() {
        assertThatThrownBy(() -> LabPlan.of("labx", SUBNET, 5)).isInstanceOf(RefusedException.class)
                .hasMessage("-n 5 is too few: a deployment needs at least 6 hosts (2 lb + 1 web + 1 app + 2 db)");
        assertThatThrownBy(() -> LabPlan.of("labx", SUBNET, 31)).isInstanceOf(RefusedException.class)
                .hasMessageContaining("at most 30");
    }

    @Test
    void refusesASubnetOutsideTheBenchmarkingRangeOrTooSmall() {
        assertThatThrownBy(() -> LabPlan.of("labx", Subnet.parse("10.0.0.0/24"), 6)).isInstanceOf(RefusedException.class)
                .hasMessageStartingWith("subnet 10.0.0.0/24 is outside 198.18.0.0/15");
        assertThatThrownBy(() -> LabPlan.of("labx", Subnet.parse("198.20.0.0/24"), 6)).isInstanceOf(RefusedException.class)
                .hasMessageStartingWith("subnet 198.20.0.0/24 is outside");
        assertThatThrownBy(() -> LabPlan.of("labx", Subnet.parse("198.19.50.0/25"), 6)).isInstanceOf(RefusedException.class)
                .hasMessageStartingWith("subnet 198.19.50.0/25 is too small");
        assertThat(LabPlan.of("labx", Subnet.parse("198.19.255.0/24"), 6).hosts()).hasSize(6);
    }

    @Test
    void refusesANameThatWouldNotFitAnInterfaceName() {
        assertThatThrownBy(() -> LabPlan.of("labxyzw", SUBNET, 6)).isInstanceOf(RefusedException.class)
                .hasMessageStartingWith("lab name 'labxyzw' must be 1-6 characters");
        assertThatThrownBy(() -> LabPlan.of("Lab", SUBNET, 6)).isInstanceOf(RefusedException.class);
        assertThatThrownBy(() -> LabPlan.of("la-b", SUBNET, 6)).isInstanceOf(RefusedException.class);
        assertThat(LabPlan.of("lab123", SUBNET, 6).bridge()).hasSizeLessThanOrEqualTo(15);
    }
}
