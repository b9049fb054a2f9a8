package dev.scaleup.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.scaleup.topology.Host;
import dev.scaleup.topology.Topology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every file of lb1, lb2, web1, app1, db1, db2 of the default deployment, compared with
 * {@code src/test/resources/golden/<host>/<file>}; and of db1, db2, backup1 of the same deployment with
 * {@code backup.enabled: true}, with {@code golden/backup/<host>/<file>}. After an intended change, regenerate with
 * {@code ./mvnw -B -pl control test -Dtest=GoldenFilesTest -Dgolden.update=true} and review the git diff.
 */
public class GoldenFilesTest {

    static final List<String> HOSTS = List.of("lb1", "lb2", "web1", "app1", "db1", "db2", "mon1");
    static final List<String> BACKUP_HOSTS = List.of("db1", "db2", "backup1");
    /** With {@code db.pooler: true}: the db host's PgBouncer files and Patroni's callback, the app's URL and firewalls. */
    static final List<String> POOLER_HOSTS = List.of("db1", "app1");
    static final boolean UPDATE = Boolean.getBoolean("golden.update");

    public static Path goldenDir() {
        for (Path candidate : List.of(Path.of("src/test/resources/golden"), Path.of("control/src/test/resources/golden"))) {
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return Path.of("src/test/resources/golden"); // created on update
    }

    @TestFactory
    Stream<DynamicTest> renderedFilesMatchGoldenFiles() {
        Topology t = Fixtures.defaultTopology();
        Path golden = goldenDir();
        return HOSTS.stream().flatMap(name -> {
            Host host = Fixtures.host(t, name);
            return Renderers.forHost(t, host, Fixtures.goldenPaths(host), Fixtures.SECRETS).stream()
                    .map(file -> DynamicTest.dynamicTest(name + "/" + file.name(),
                            () -> compare(golden.resolve(name).resolve(file.name()), file.content())));
        });
    }

    @TestFactory
    Stream<DynamicTest> withBackupsRenderedFilesMatchGoldenFiles() {
        Topology t = Fixtures.backupTopology();
        Path golden = goldenDir().resolve("backup");
        return BACKUP_HOSTS.stream().flatMap(name -> {
            Host host = Fixtures.host(t, name);
            return Renderers.forHost(t, host, Fixtures.goldenPaths(host), Fixtures.SECRETS).stream()
                    .map(file -> DynamicTest.dynamicTest("backup/" + name + "/" + file.name(),
                            () -> compare(golden.resolve(name).resolve(file.name()), file.content())));
        });
    }

    @TestFactory
    Stream<DynamicTest> withThePoolerRenderedFilesMatchGoldenFiles() {
        Topology t = Fixtures.poolerTopology();
        Path golden = goldenDir().resolve("pooler");
        return POOLER_HOSTS.stream().flatMap(name -> {
            Host host = Fixtures.host(t, name);
            return Renderers.forHost(t, host, Fixtures.goldenPaths(host), Fixtures.SECRETS).stream()
                    .map(file -> DynamicTest.dynamicTest("pooler/" + name + "/" + file.name(),
                            () -> compare(golden.resolve(name).resolve(file.name()), file.content())));
        });
    }

    @Test
    void theGatewayRulesMatchTheirGoldenFile() {
        compare(goldenDir().resolve("gateway.nft"), FirewallConfig.gateway(Fixtures.defaultTopology()));
    }

    @Test
    void noGoldenFileWithoutRenderedFile() throws IOException {
        Topology t = Fixtures.defaultTopology();
        Path golden = goldenDir();
        for (String name : HOSTS) {
            Host host = Fixtures.host(t, name);
            Set<String> rendered = Renderers.forHost(t, host, Fixtures.goldenPaths(host), Fixtures.SECRETS).stream()
                    .map(RenderedFile::name).collect(Collectors.toCollection(TreeSet::new));
            Path dir = golden.resolve(name);
            Set<String> stored = new TreeSet<>();
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    files.forEach(f -> stored.add(f.getFileName().toString()));
                }
            }
            if (UPDATE) {
                for (String stale : stored) {
                    if (!rendered.contains(stale)) {
                        Files.delete(dir.resolve(stale));
                    }
                }
            } else {
                assertThat(stored).as("golden files of %s (regenerate with -Dgolden.update=true)", name).isEqualTo(rendered);
            }
        }
    }

    public static void compare(Path goldenFile, String actual) {
        try {
            if (UPDATE) {
                Files.createDirectories(goldenFile.getParent());
                Files.writeString(goldenFile, actual, StandardCharsets.UTF_8);
                return;
            }
            if (!Files.exists(goldenFile)) {
                fail("missing golden file " + goldenFile.toAbsolutePath() + "; create it with -Dgolden.update=true");
            }
            String expected = Files.readString(goldenFile, StandardCharsets.UTF_8);
            String diff = TextDiff.diff(expected, actual);
            if (!diff.isEmpty()) {
                fail("rendered " + goldenFile.getParent().getFileName() + "/" + goldenFile.getFileName()
                        + " differs from " + goldenFile.toAbsolutePath()
                        + " (if intended, regenerate with -Dgolden.update=true and review the diff)\n" + diff);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
