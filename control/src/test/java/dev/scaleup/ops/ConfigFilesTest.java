package dev.scaleup.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigFilesTest {

    @Test
    void portsInUseAreExpectedOnlyFromPatroniOnARunningHost() {
        String inUse = "restapi.listen 198.19.2.81:8008 didn't pass validation: 'Port 8008 is already in use.'\n"
                + "postgresql.listen 198.19.2.81:5432 didn't pass validation: 'Port 5432 is already in use.'\n";
        assertThat(dev.scaleup.render.ConfigCheck.acceptable("patroni.yml", inUse)).isTrue();
        assertThat(dev.scaleup.render.ConfigCheck.acceptable("patroni.yml", inUse + "loop_wait is not an integer\n")).isFalse();
        assertThat(dev.scaleup.render.ConfigCheck.acceptable("patroni.yml", "")).isFalse();
        assertThat(dev.scaleup.render.ConfigCheck.acceptable("nginx.conf", inUse)).isFalse();
    }

    @Test
    void labelsACheckByItsProgram() {
        assertThat(ConfigFiles.label(List.of("haproxy", "-c", "-dW", "-f", "x"))).isEqualTo("haproxy -c");
        assertThat(ConfigFiles.label(List.of("runuser", "-u", "postgres", "--", "/usr/lib/postgresql/15/bin/postgres", "-C", "data_directory")))
                .isEqualTo("postgres -C");
    }
}
