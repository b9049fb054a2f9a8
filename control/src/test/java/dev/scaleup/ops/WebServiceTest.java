package dev.scaleup.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebServiceTest {

    @Test
    void syncTreeMakesAnExactCopyAndReportsChanges(@TempDir Path dir) throws Exception {
        Path site = Files.createDirectories(dir.resolve("site/css"));
        Files.writeString(dir.resolve("site/index.html"), "<h1>hi</h1>");
        Files.writeString(site.resolve("a.css"), "a{}");
        Path copy = dir.resolve("copy");
        assertThat(WebService.syncTree(dir.resolve("site"), copy)).isTrue();
        assertThat(copy.resolve("css/a.css")).hasContent("a{}");
        assertThat(WebService.syncTree(dir.resolve("site"), copy)).isFalse();
        Files.delete(site.resolve("a.css"));
        Files.writeString(dir.resolve("site/index.html"), "<h1>new</h1>");
        assertThat(WebService.syncTree(dir.resolve("site"), copy)).isTrue();
        assertThat(copy.resolve("css/a.css")).doesNotExist();
        assertThat(copy.resolve("index.html")).hasContent("<h1>new</h1>");
    }
}
