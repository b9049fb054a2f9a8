package dev.scaleup.render;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SiteBuildTest {

    private static final String CSS = "body { color: black; }\n".repeat(30);
    private static final String JS = "console.log('scaleup');\n".repeat(30);

    private static Map<String, byte[]> site(String html) {
        Map<String, byte[]> files = new TreeMap<>();
        files.put("index.html", html.getBytes(UTF_8));
        files.put("style.css", CSS.getBytes(UTF_8));
        files.put("js/app.js", JS.getBytes(UTF_8));
        files.put("logo.png", new byte[300]);
        files.put("robots.txt", "User-agent: *\n".getBytes(UTF_8));
        return files;
    }

    @Test
    void scriptsAndStylesGetACopyNamedByTheirContentAndThePagesNameTheCopies() {
        Map<String, byte[]> built = SiteBuild.files(site("""
                <link rel="stylesheet" href="style.css">
                <link rel='stylesheet' href='/style.css?v=1'>
                <script src="js/app.js"></script>
                <script src="./js/../js/app.js#x"></script>
                <script src="https://cdn.example/app.js"></script>
                <a href="style.css.html">not the style sheet</a>
                <p>style.css is only named here</p>
                """));
        String css = SiteBuild.hashedName("style.css", CSS.getBytes(UTF_8));
        String js = SiteBuild.hashedName("js/app.js", JS.getBytes(UTF_8));

        assertThat(css).matches("style\\.[0-9a-f]{10}\\.css");
        assertThat(js).matches("js/app\\.[0-9a-f]{10}\\.js");
        assertThat(Pattern.compile(SiteBuild.HASHED_NAME_REGEX).matcher("/" + css).find()).isTrue();
        assertThat(Pattern.compile(SiteBuild.HASHED_NAME_REGEX).matcher("/style.css").find()).isFalse();
        assertThat(built).containsKeys("style.css", css, "js/app.js", js, "logo.png", "robots.txt");
        assertThat(new String(built.get(css), UTF_8)).isEqualTo(CSS);
        assertThat(new String(built.get("index.html"), UTF_8)).isEqualTo("""
                <link rel="stylesheet" href="%1$s">
                <link rel='stylesheet' href='/%1$s?v=1'>
                <script src="%2$s"></script>
                <script src="./js/../js/%3$s#x"></script>
                <script src="https://cdn.example/app.js"></script>
                <a href="style.css.html">not the style sheet</a>
                <p>style.css is only named here</p>
                """.formatted(css, js, js.substring(3)));
    }

    @Test
    void aChangedFileGetsANewNameAndAnUnchangedOneKeepsIt() {
        Map<String, byte[]> before = SiteBuild.files(site("<script src=\"js/app.js\"></script>"));
        Map<String, byte[]> changed = site("<script src=\"js/app.js\"></script>");
        changed.put("js/app.js", (JS + "// one more line\n").getBytes(UTF_8));
        Map<String, byte[]> after = SiteBuild.files(changed);

        assertThat(after.keySet()).filteredOn(k -> k.startsWith("style.")).isEqualTo(
                before.keySet().stream().filter(k -> k.startsWith("style.")).toList());
        String oldJs = SiteBuild.hashedName("js/app.js", JS.getBytes(UTF_8));
        String newJs = SiteBuild.hashedName("js/app.js", changed.get("js/app.js"));
        assertThat(newJs).isNotEqualTo(oldJs);
        assertThat(after).containsKey(newJs).doesNotContainKey(oldJs);
        assertThat(new String(after.get("index.html"), UTF_8)).contains(newJs.substring(3));
    }

    @Test
    void textFilesWorthCompressingGetAGzipThatIsTheSameEveryBuild() throws IOException {
        Map<String, byte[]> built = SiteBuild.files(site("<html>" + "<p>hello</p>".repeat(40) + "</html>"));

        assertThat(built).containsKeys("index.html.gz", "style.css.gz", "js/app.js.gz");
        assertThat(built.keySet()).filteredOn(k -> k.matches("style\\.[0-9a-f]{10}\\.css\\.gz")).hasSize(1);
        assertThat(built).as("too small").doesNotContainKey("robots.txt.gz");
        assertThat(built).as("not text").doesNotContainKey("logo.png.gz");
        for (String name : new String[] {"index.html", "style.css", "js/app.js"}) {
            byte[] gz = built.get(name + ".gz");
            assertThat(gz.length).isLessThan(built.get(name).length);
            assertThat(new GZIPInputStream(new ByteArrayInputStream(gz)).readAllBytes()).isEqualTo(built.get(name));
            assertThat(java.util.Arrays.copyOfRange(gz, 4, 8)).as("no time in the header").containsOnly(0);
        }
        assertThat(SiteBuild.files(site("<html>" + "<p>hello</p>".repeat(40) + "</html>")))
                .usingRecursiveComparison().isEqualTo(built);
    }

    @Test
    void buildWritesTheBuiltSiteRemovesWhatIsNoLongerInItAndChangesNothingTheSecondTime(@TempDir Path dir)
            throws IOException {
        Path source = dir.resolve("site");
        Path target = dir.resolve("built");
        Files.createDirectories(source.resolve("js"));
        for (Map.Entry<String, byte[]> file : site("<script src=\"js/app.js\"></script>").entrySet()) {
            Files.write(source.resolve(file.getKey()), file.getValue());
        }
        Files.createDirectories(target.resolve("old"));
        Files.writeString(target.resolve("old/gone.css"), "x");

        int first = SiteBuild.build(source, target);
        assertThat(first).isGreaterThan(5);
        assertThat(target.resolve("old")).doesNotExist();
        assertThat(target.resolve("js/app.js.gz")).exists();
        long modified = Files.getLastModifiedTime(target.resolve("index.html")).toMillis();

        assertThat(SiteBuild.build(source, target)).as("second build").isZero();
        assertThat(Files.getLastModifiedTime(target.resolve("index.html")).toMillis()).isEqualTo(modified);

        Files.delete(source.resolve("style.css"));
        assertThat(SiteBuild.build(source, target)).isEqualTo(4);
        assertThat(target.resolve("style.css")).doesNotExist();
        assertThat(target.resolve("style.css.gz")).doesNotExist();
    }
}
