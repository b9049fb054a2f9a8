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
 * {@code backup.enabled: true}, backup1's with {@code golden/backup/backup1/<file>}, the db hosts' with the default's.
 * After an intended change, regenerate with
 * {@code ./mvnw -B -pl control test -Dtest=GoldenFilesTest -Dgolden.update=true} and review the git diff.
 */
public class GoldenFilesTest {

    static final List<String> HOSTS = List.of("lb1", "lb2", "web1", "app1", "db1", "db2", "mon1");
    static final List<String> BACKUP_HOSTS = List.of("db1", "db2", "backup1");
    /** With {@code db.pooler: false}: Patroni's callback and settings, the app's URL and the db host's firewall. */
    static final List<String> NO_POOLER_HOSTS = List.of("db1", "app1");
    /** What turning the pooler off changes, as host/file; the other files stay the default's. */
    static final Set<String> NO_POOLER_FILES = Set.of("db1/on-role-change.sh", "db1/patroni.yml", "db1/bootstrap.sql",
            "db1/firewall.nft", "app1/app.properties");
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
        return goldenTests(Fixtures.defaultTopology(), HOSTS, "", hostFile -> "");
    }

    @TestFactory
    Stream<DynamicTest> withBackupsRenderedFilesMatchGoldenFiles() {
        // backups are on by default: the db hosts' files are the default's, only backup1's are the set's own
        return goldenTests(Fixtures.backupTopology(), BACKUP_HOSTS, "backup/",
                hostFile -> hostFile.startsWith("backup1/") ? "backup/" : "");
    }

    /** The files the pooler changes have golden files of their own; every other file is the default's, unchanged. */
    @TestFactory
    Stream<DynamicTest> withoutThePoolerRenderedFilesMatchGoldenFiles() {
        return goldenTests(Fixtures.noPoolerTopology(), NO_POOLER_HOSTS, "no-pooler/",
                hostFile -> NO_POOLER_FILES.contains(hostFile) ? "no-pooler/" : "");
    }

    /**
     * One test per rendered file of each host, named {@code <prefix><host>/<file>}, compared with
     * {@code golden/<dir(host/file)><host>/<file>}.
     */
    private static Stream<DynamicTest> goldenTests(Topology t, List<String> hosts, String prefix,
                                                   java.util.function.Function<String, String> dir) {
        Path golden = goldenDir();
        return hosts.stream().flatMap(name -> {
            Host host = Fixtures.host(t, name);
            return Renderers.forHost(t, host, Fixtures.goldenPaths(host), Fixtures.SECRETS).stream()
                    .map(file -> DynamicTest.dynamicTest(prefix + name + "/" + file.name(), () -> compare(golden
                            .resolve(dir.apply(name + "/" + file.name()) + name).resolve(file.name()), file.content())));
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
