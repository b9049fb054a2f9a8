package dev.scaleup.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv4Test {

    @Test
    void parsesAndPrints() {
        Ipv4 a = Ipv4.parse("198.18.0.100");
        assertThat(a.bits()).isEqualTo((198 << 24) | (18 << 16) | 100);
        assertThat(a).hasToString("198.18.0.100");
        assertThat(Ipv4.parse(" 10.0.0.1 ")).hasToString("10.0.0.1");
    }

    @Test
    void handlesTheHighBitUnsigned() {
        Ipv4 a = Ipv4.parse("255.255.255.255");
        assertThat(a.bits()).isEqualTo(-1);
        assertThat(a.unsigned()).isEqualTo(0xFFFF_FFFFL);
        assertThat(a).hasToString("255.255.255.255");
        assertThat(Ipv4.parse("200.0.0.0")).isGreaterThan(Ipv4.parse("100.0.0.0"));
    }

    @Test
    void plusCarriesAcrossOctets() {
        assertThat(Ipv4.parse("198.18.0.255").plus(1)).hasToString("198.18.1.0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "1.2.3.256", "1.2..4", "a.b.c.d", "1.2.3.-4", "1.2.3.4/24", "0001.2.3.4"})
    void rejectsNonAddresses(String text) {
        assertThatThrownBy(() -> Ipv4.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an IPv4 address");
    }
}
