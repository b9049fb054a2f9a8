package dev.scaleup.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AddressPlanTest {

    private static final Subnet S24 = Subnet.parse("198.18.0.0/24");

    @Test
    void freeRangesOfASlash24() {
        assertThat(AddressPlan.freeRanges(S24)).isEqualTo(".2-.10, .20, .40, .80, .90, .93-.254");
    }

    @Test
    void freeRangesOfALargerSubnetUseWholeAddresses() {
        assertThat(AddressPlan.freeRanges(Subnet.parse("198.18.0.0/16"))).isEqualTo(
                "198.18.0.2-198.18.0.10, 198.18.0.20, 198.18.0.40, 198.18.0.80, 198.18.0.90, 198.18.0.93-198.18.255.254");
    }

    @Test
    void reservations() {
        assertThat(AddressPlan.reservation(S24, Ipv4.parse("198.18.0.0"))).contains("the network address");
        assertThat(AddressPlan.reservation(S24, Ipv4.parse("198.18.0.255"))).contains("the broadcast address");
        assertThat(AddressPlan.reservation(S24, Ipv4.parse("198.18.0.1"))).hasValueSatisfying(r -> assertThat(r).startsWith("the gateway"));
        assertThat(AddressPlan.reservation(S24, Ipv4.parse("198.18.0.19"))).contains("the address plan gives .11-.19 to lb hosts");
        assertThat(AddressPlan.reservation(S24, Ipv4.parse("198.18.0.79"))).contains("the address plan gives .41-.79 to app hosts");
        assertThat(AddressPlan.reservation(S24, Ipv4.parse("198.18.0.89"))).contains("the address plan gives .81-.89 to db hosts");
        for (String free : new String[] {"198.18.0.2", "198.18.0.10", "198.18.0.20", "198.18.0.90", "198.18.0.100", "198.18.0.254"}) {
            assertThat(AddressPlan.reservation(S24, Ipv4.parse(free))).as(free).isEmpty();
        }
    }

    @Test
    void theBenchmarkRange() {
        assertThat(AddressPlan.BENCHMARK_RANGE).hasToString("198.18.0.0/15");
    }
}
