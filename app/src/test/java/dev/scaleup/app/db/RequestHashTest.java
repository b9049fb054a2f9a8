package dev.scaleup.app.db;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestHashTest {

    @Test
    void isTheSha256OfTheLengthPrefixedParts() {
        // printf '4:post;5:hello;5:world;' | sha256sum
        assertThat(RequestHash.of("post", "hello", "world"))
                .isEqualTo("1c2e9d13375de3d629d7b464892acf76ebdaa0c67f2e4a979a2bc4f2231103f6");
    }

    @Test
    void partsCannotBeShiftedIntoEachOther() {
        assertThat(RequestHash.of("post", "ab", "c")).isNotEqualTo(RequestHash.of("post", "a", "bc"));
        assertThat(RequestHash.of("post", "a;1:b", "")).isNotEqualTo(RequestHash.of("post", "a", "b"));
        assertThat(RequestHash.of("visit")).isNotEqualTo(RequestHash.of("user", "visit"));
    }

    @Test
    void transfersKeepTheirStoredFormat() {
        // stored transfers hold sha256('to=<account>;amount_cents=<amount>'):
        // printf 'to=7;amount_cents=1250' | sha256sum
        assertThat(Bank.requestHash(7, 1250))
                .isEqualTo("b7e6d0f0c19ffb089b086766928a438fe837b2c1f284de6c8b450e170cba3b47");
    }
}
