package dev.scaleup.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.render.HostPaths;
import dev.scaleup.render.RenderedFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFilesTest {

    @Test
    void writesOnlyWhatChangedWithTheRequestedMode(@TempDir Path dir) throws Exception {
        HostPaths paths = new HostPaths(dir.resolve("app1"));
        List<RenderedFile> files = List.of(new RenderedFile("a.conf", "one\n", 0644), new RenderedFile("s.properties", "pw\n", 0600));
        assertThat(ConfigFiles.write(paths, files)).containsExactly("a.conf", "s.properties");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(paths.conf("s.properties")))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(paths.conf("a.conf")))).isEqualTo("rw-r--r--");
        assertThat(ConfigFiles.write(paths, files)).isEmpty();
        assertThat(ConfigFiles.write(paths, List.of(new RenderedFile("a.conf", "two\n", 0644)))).containsExactly("a.conf");
        assertThat(Files.readString(paths.conf("a.conf"))).isEqualTo("two\n");
        assertThat(paths.logs()).isDirectory();
        assertThat(paths.run()).isDirectory();
    }

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
