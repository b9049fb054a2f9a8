package dev.scaleup.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EditDistanceTest {

    @Test
    void classicDistances() {
        assertThat(EditDistance.between("", "")).isZero();
        assertThat(EditDistance.between("abc", "")).isEqualTo(3);
        assertThat(EditDistance.between("kitten", "sitting")).isEqualTo(3);
        assertThat(EditDistance.between("app.prot", "app.port")).isEqualTo(2);
        assertThat(EditDistance.between("db.host", "db.hosts")).isEqualTo(1);
    }

    @Test
    void nearestKey() {
        assertThat(ConfigKey.nearest("db.host")).isEqualTo(ConfigKey.DB_HOSTS);
        assertThat(ConfigKey.nearest("app.hostname")).isEqualTo(ConfigKey.APP_HOST_NAME);
        assertThat(ConfigKey.nearest("db.passwordfile")).isEqualTo(ConfigKey.DB_PASSWORD_FILE);
        assertThat(ConfigKey.nearest("app.drain-second")).isEqualTo(ConfigKey.APP_DRAIN_SECONDS);
        assertThat(ConfigKey.nearest("db.pasword")).isEqualTo(ConfigKey.DB_PASSWORD);
    }
}
