package dev.scaleup.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SubnetTest {

    @Test
    void parsesACidr() {
        Subnet s = Subnet.parse("198.18.0.0/24");
        assertThat(s.prefix()).isEqualTo(24);
        assertThat(s.network()).hasToString("198.18.0.0");
        assertThat(s.broadcast()).hasToString("198.18.0.255");
        assertThat(s.at(1)).hasToString("198.18.0.1");
        assertThat(s).hasToString("198.18.0.0/24");
    }

    @Test
    void containsAddressesAndSubnets() {
        Subnet benchmark = Subnet.parse("198.18.0.0/15");
        assertThat(benchmark.broadcast()).hasToString("198.19.255.255");
        assertThat(benchmark.contains(Ipv4.parse("198.19.200.1"))).isTrue();
        assertThat(benchmark.contains(Ipv4.parse("198.20.0.0"))).isFalse();
        assertThat(benchmark.contains(Subnet.parse("198.18.1.0/24"))).isTrue();
        assertThat(benchmark.contains(Subnet.parse("198.0.0.0/8"))).isFalse();
        assertThat(Subnet.parse("0.0.0.0/0").contains(Ipv4.parse("255.255.255.255"))).isTrue();
    }

    @Test
    void rejectsHostBitsAndNaming() {
        assertThatThrownBy(() -> Subnet.parse("198.18.0.5/24")).hasMessageContaining("host bits set")
                .hasMessageContaining("198.18.0.0/24");
        assertThatThrownBy(() -> Subnet.parse("198.18.0.0")).hasMessageContaining("not a CIDR subnet");
        assertThatThrownBy(() -> Subnet.parse("198.18.0.0/33")).hasMessageContaining("above 32");
        assertThatThrownBy(() -> Subnet.parse("198.18.0.0/")).hasMessageContaining("not a CIDR prefix");
        assertThatThrownBy(() -> Subnet.parse("198.18.0/24")).hasMessageContaining("not an IPv4 address");
    }
}
