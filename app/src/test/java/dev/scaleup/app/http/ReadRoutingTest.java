package dev.scaleup.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReadRoutingTest {

    private static final long NOW = 1_740_000_000_000L;

    @Test
    void aWriteWithinFiveSecondsRoutesToThePrimary() {
        assertThat(ReadRouting.recentWrite(List.of("su_lw=" + (NOW - 4_999)), NOW)).isTrue();
        assertThat(ReadRouting.recentWrite(List.of("a=1; su_lw=" + NOW + "; b=2"), NOW)).isTrue();
        assertThat(ReadRouting.recentWrite(List.of("a=1", "su_lw=\"" + (NOW - 10) + "\""), NOW)).isTrue();
        assertThat(ReadRouting.recentWrite(List.of("su_lw=" + (NOW + 1_000)), NOW)).isTrue();
    }

    @Test
    void oldMissingOrBogusCookiesRouteToTheReplica() {
        assertThat(ReadRouting.recentWrite(List.of(), NOW)).isFalse();
        assertThat(ReadRouting.recentWrite(List.of("su_lw=" + (NOW - 5_000)), NOW)).isFalse();
        assertThat(ReadRouting.recentWrite(List.of("su_lw=" + (NOW + 60_000)), NOW)).isFalse();
        assertThat(ReadRouting.recentWrite(List.of("su_lw=soon"), NOW)).isFalse();
        assertThat(ReadRouting.recentWrite(List.of("xsu_lw=" + NOW), NOW)).isFalse();
        assertThat(ReadRouting.recentWrite(List.of("su_lw=99999999999999999999"), NOW)).isFalse();
    }

    @Test
    void theCookieLivesTenSeconds() {
        assertThat(ReadRouting.cookie(NOW)).isEqualTo("su_lw=" + NOW + "; Path=/; HttpOnly; SameSite=Lax; Max-Age=10");
    }
}
