package dev.scaleup.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.render.HostPaths;
import dev.scaleup.render.RenderedFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalConfigsTest {

    @Test
    void writesOnlyWhatChangedWithTheRequestedMode(@TempDir Path dir) throws Exception {
        HostPaths paths = new HostPaths(dir.resolve("app1"));
        List<RenderedFile> files = List.of(new RenderedFile("a.conf", "one\n", 0644), new RenderedFile("s.properties", "pw\n", 0600));
        assertThat(LocalConfigs.write(paths, files)).containsExactly("a.conf", "s.properties");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(paths.conf("s.properties")))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(paths.conf("a.conf")))).isEqualTo("rw-r--r--");
        assertThat(LocalConfigs.write(paths, files)).isEmpty();
        assertThat(LocalConfigs.write(paths, List.of(new RenderedFile("a.conf", "two\n", 0644)))).containsExactly("a.conf");
        assertThat(Files.readString(paths.conf("a.conf"))).isEqualTo("two\n");
        assertThat(paths.logs()).isDirectory();
        assertThat(paths.run()).isDirectory();
    }

    /** A replaced file keeps its owner (a reload must still read it); as root only, since it gives a file away. */
    @Test
    void aReplacedFileKeepsItsOwner(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
        HostPaths paths = new HostPaths(dir.resolve("db1"));
        LocalConfigs.write(paths, List.of(new RenderedFile("patroni.yml", "one\n", 0600)));
        var lookup = dir.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(paths.conf("patroni.yml"), lookup.lookupPrincipalByName("nobody"));
        assertThat(LocalConfigs.write(paths, List.of(new RenderedFile("patroni.yml", "two\n", 0600))))
                .containsExactly("patroni.yml");
        assertThat(Files.getOwner(paths.conf("patroni.yml")).getName()).isEqualTo("nobody");
        assertThat(Files.readString(paths.conf("patroni.yml"))).isEqualTo("two\n");
    }
}
