package dev.scaleup.ansible;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.scaleup.render.RenderedFile;
import dev.scaleup.render.Secrets;
import dev.scaleup.render.Tools;
import dev.scaleup.topology.Db;
import dev.scaleup.topology.Topology;
import dev.scaleup.topology.TopologyLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The project generated for {@code examples/hosts.yaml}, file by file against {@code golden-ansible/} (regenerate
 * with {@code -Dgolden.update=true} and review the diff), checked by the real {@code ansible-playbook --syntax-check},
 * and read as YAML for what a linter would check: every command has {@code changed_when} or {@code creates}, every
 * secret is copied with mode 0600 and {@code no_log}.
 */
class AnsibleProjectTest {

    static final boolean UPDATE = Boolean.getBoolean("golden.update");
    static final Secrets SECRETS = new Secrets("repl-secret", "app-secret", "super-secret", "token-key-0123456789abcdef0123456789abcdef")
            .withBackupCipherPass("cipher-secret");
    static final Inputs INPUTS = new Inputs(SECRETS, "-----BEGIN CERTIFICATE-----\nchain\n-----END CERTIFICATE-----\n"
            + "-----BEGIN PRIVATE KEY-----\nkey\n-----END PRIVATE KEY-----\n", Path.of("/state/tls/ca.crt"),
            Path.of("/state/artifacts/bundles/app-0123abcd-rt4567ef.tar.gz"), "app-0123abcd-rt4567ef",
            Path.of("/state/site"), List.of(
                    new RenderedFile("pgbackrest-ca.crt", "-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n",
                            RenderedFile.PUBLIC),
                    new RenderedFile("pgbackrest.crt", "-----BEGIN CERTIFICATE-----\npgbackrest\n-----END CERTIFICATE-----\n",
                            RenderedFile.PUBLIC),
                    new RenderedFile("pgbackrest.key", "-----BEGIN PRIVATE KEY-----\npgbackrest-key\n-----END PRIVATE KEY-----\n",
                            RenderedFile.PRIVATE)), true);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** examples/hosts.yaml as if the repository were at /repo, so the golden files name no real directory. */
    static Topology example() {
        Path repo = repo();
        try {
            String text = Files.readString(repo.resolve("examples/hosts.yaml"));
            return TopologyLoader.parse(text, Path.of("/repo/examples"), Path.of("/repo"), Path.of("hosts.yaml"), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path repo() {
        return Files.isDirectory(Path.of("examples")) ? Path.of("").toAbsolutePath() : Path.of("..").toAbsolutePath().normalize();
    }

    static Path goldenDir() {
        return repo().resolve("control/src/test/resources/golden-ansible");
    }

    @TestFactory
    Stream<DynamicTest> everyFileMatchesItsGoldenFile() {
        return AnsibleProject.render(example(), INPUTS).stream()
                .map(f -> DynamicTest.dynamicTest(f.path(), () -> compare(goldenDir().resolve(f.path()), f.content())));
    }

    @Test
    void noGoldenFileWithoutGeneratedFile() throws IOException {
        Set<String> generated = AnsibleProject.render(example(), INPUTS).stream().map(ProjectFile::path)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> stored;
        try (Stream<Path> files = Files.walk(goldenDir())) {
            stored = files.filter(Files::isRegularFile).map(p -> goldenDir().relativize(p).toString())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        if (UPDATE) {
            for (String stale : stored) {
                if (!generated.contains(stale)) {
                    Files.delete(goldenDir().resolve(stale));
                }
            }
        } else {
            assertThat(stored).isEqualTo(generated);
        }
    }

    @Test
    void onlyTheHostsInUseAreInTheInventoryAndSecretsAreInTheHostsFilesOnly() {
        Topology t = example().withWeb(example().web().withCount(1));
        List<ProjectFile> files = AnsibleProject.render(t, INPUTS);
        String inventory = content(files, "inventory.yml");
        assertThat(inventory).contains("web1:").doesNotContain("web2:");
        assertThat(files.stream().map(ProjectFile::path)).noneMatch(p -> p.startsWith("host_files/web2/"));
        for (ProjectFile f : files) {
            boolean secret = f.content().contains("app-secret") || f.content().contains("super-secret")
                    || f.content().contains("cipher-secret")
                    // 0600 on every host: backup1's holds the repository's passphrase, the db hosts' name the key
                    || f.path().endsWith("/pgbackrest.conf")
                    || f.content().contains("token-key-") || f.content().contains("PRIVATE KEY")
                    || f.content().contains("SCRAM-SHA-256$");
            assertThat(f.mode()).as(f.path() + " holds a secret").isEqualTo(secret ? 0600 : 0644);
            if (secret) {
                assertThat(f.path()).startsWith("host_files/");
            }
        }
    }

    @Test
    void theAppsUnitMapsTheAotCacheOnlyWhenTheBundleHasOne() {
        String with = content(AnsibleProject.render(example(), INPUTS), "host_files/app1/scaleup-app.service");
        assertThat(with).contains("-XX:+UseSerialGC -XX:AOTCache=/opt/scaleup/current/app/app.aot -jar ");
        Inputs older = new Inputs(INPUTS.secrets(), INPUTS.tlsPem(), INPUTS.caCert(), INPUTS.appBundle(),
                INPUTS.appRelease(), INPUTS.site(), INPUTS.pgBackRestFiles(), false);
        String without = content(AnsibleProject.render(example(), older), "host_files/app1/scaleup-app.service");
        assertThat(without).contains("-XX:+UseSerialGC -jar ").doesNotContain("AOTCache");
    }

    @Test
    void withThePoolerEveryDbHostRunsPgBouncerAndTheAppServersConnectToIt() {
        Topology t = example();
        Db db = t.db();
        assertThat(db.pooler()).as("on by default").isTrue();
        List<ProjectFile> files = AnsibleProject.render(t.withDb(new Db(db.replicas(), db.port(), db.name(), db.user(), true)), INPUTS);
        assertThat(content(files, "group_vars/all.yml")).contains("scaleup_pooler: true\n");
        assertThat(content(files, "inventory.yml")).contains("'postgresql-15', 'patroni', 'python3-etcd', 'curl', 'pgbackrest', 'pgbouncer'");
        for (String host : List.of("db1", "db2")) {
            assertThat(content(files, "host_files/" + host + "/pgbouncer.ini")).contains("listen_port = 6432\n")
                    .contains("unix_socket_dir = /run/scaleup\n").contains("auth_hba_file = /etc/scaleup/pgbouncer_hba.conf\n");
            assertThat(content(files, "host_files/" + host + "/pgbouncer_hba.conf")).contains("scram-sha-256");
            assertThat(content(files, "host_files/" + host + "/pgbouncer.service.conf"))
                    .contains("ExecStart=\nExecStart=/usr/sbin/pgbouncer /etc/scaleup/pgbouncer.ini\nRestart=on-failure\n");
            assertThat(content(files, "host_files/" + host + "/on-role-change.sh")).contains("RECONNECT");
            assertThat(content(files, "host_files/" + host + "/firewall.nft")).contains("6432");
        }
        assertThat(content(files, "host_files/app1/app.properties")).contains(":6432").contains("db.pooled=true");
        // without it: none of PgBouncer's files, and the role skips its tasks
        List<ProjectFile> plain = AnsibleProject.render(t.withDb(new Db(db.replicas(), db.port(), db.name(), db.user(),
                false)), INPUTS);
        assertThat(content(plain, "group_vars/all.yml")).contains("scaleup_pooler: false\n");
        assertThat(plain.stream().map(ProjectFile::path)).noneMatch(p -> p.contains("pgbouncer"));
    }

    @Test
    void theNetnsTargetHasNoProject() {
        Topology netns = TopologyLoader.parse("name: lab\n", Path.of("/repo"), Path.of("s.yaml"));
        assertThatThrownBy(() -> AnsibleProject.render(netns, INPUTS)).hasMessage(
                "the Ansible project is for target: hosts, not netns");
    }

    @Test
    void theProjectIsWrittenPrivately(@TempDir Path dir) throws IOException {
        Path project = dir.resolve("ansible");
        ProjectFiles.write(project, AnsibleProject.render(example(), INPUTS));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(project))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(project.resolve("host_files/app1/app.properties"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(project.resolve("site.yml"))))
                .isEqualTo("rw-r--r--");
    }

    @Test
    void everyCommandTaskSaysWhenItChangesSomething() {
        List<String> offenders = new ArrayList<>();
        int commands = 0;
        for (JsonNode task : tasks(AnsibleProject.render(example(), INPUTS))) {
            for (String module : List.of("ansible.builtin.command", "ansible.builtin.shell", "command", "shell")) {
                if (task.has(module)) {
                    commands++;
                    boolean creates = task.path(module).has("creates") || task.path("args").has("creates");
                    if (!task.has("changed_when") && !creates) {
                        offenders.add(task.path("name").asText());
                    }
                }
            }
        }
        assertThat(commands).as("command tasks found (the check reads the files)").isGreaterThan(3);
        assertThat(offenders).as("command/shell tasks without changed_when or creates").isEmpty();
    }

    @Test
    void everySecretIsCopiedPrivatelyAndNotLogged() {
        List<ProjectFile> files = AnsibleProject.render(example(), INPUTS);
        Set<String> secretNames = files.stream().filter(f -> f.mode() == 0600)
                .map(f -> f.path().substring(f.path().lastIndexOf('/') + 1)).collect(Collectors.toCollection(TreeSet::new));
        assertThat(secretNames).containsExactly("app.properties", "bootstrap.sql", "patroni.yml", "pgbackrest.conf",
                "pgbackrest.key", "tls.pem");
        Set<String> copied = new TreeSet<>();
        for (JsonNode task : tasks(files)) {
            String src = task.path("ansible.builtin.copy").path("src").asText();
            String name = src.substring(src.lastIndexOf('/') + 1);
            if (secretNames.contains(name)) {
                copied.add(name);
                assertThat(task.path("no_log").asBoolean()).as(name + " no_log").isTrue();
                assertThat(task.path("ansible.builtin.copy").path("mode").asText()).as(name + " mode").isEqualTo("0600");
            }
        }
        assertThat(copied).isEqualTo(secretNames);
    }

    @Test
    void ansiblePlaybookAcceptsTheProject(@TempDir Path dir) {
        String playbook = Tools.require("ansible-playbook");
        Path project = dir.resolve("ansible");
        ProjectFiles.write(project, AnsibleProject.render(example(), INPUTS));
        List<String> argv = List.of("env", "ANSIBLE_CONFIG=" + project.resolve("ansible.cfg"),
                "ANSIBLE_LOCAL_TEMP=" + dir.resolve("tmp"), playbook, "--syntax-check",
                "-i", project.resolve("inventory.yml").toString(), project.resolve("site.yml").toString());
        Tools.Result result = Tools.run(argv);
        assertThat(result.exitCode()).as(Tools.describe(argv, result)).isZero();
        assertThat(result.output()).contains("playbook: " + project.resolve("site.yml"));
        List<String> deploy = new ArrayList<>(argv.subList(0, argv.size() - 1));
        deploy.add(project.resolve("deploy.yml").toString());
        Tools.Result deployed = Tools.run(deploy);
        assertThat(deployed.exitCode()).as(Tools.describe(deploy, deployed)).isZero();
    }

    /** Every task of the roles and of site.yml, blocks opened. */
    private static List<JsonNode> tasks(List<ProjectFile> files) {
        List<JsonNode> tasks = new ArrayList<>();
        for (ProjectFile f : files) {
            if (f.path().startsWith("roles/") || f.path().endsWith(".yml") && !f.path().contains("/")) {
                try {
                    JsonNode doc = YAML.readTree(f.content());
                    for (JsonNode item : doc) {
                        collect(item.has("tasks") ? item.path("tasks") : YAML.createArrayNode().add(item), tasks);
                    }
                } catch (IOException e) {
                    fail(f.path() + " is not YAML: " + e.getMessage());
                }
            }
        }
        return tasks;
    }

    private static void collect(JsonNode list, List<JsonNode> into) {
        for (JsonNode task : list) {
            if (task.has("block")) {
                collect(task.path("block"), into);
            } else {
                into.add(task);
            }
        }
    }

    private static String content(List<ProjectFile> files, String path) {
        return files.stream().filter(f -> f.path().equals(path)).findFirst().orElseThrow().content();
    }

    private static void compare(Path golden, String actual) throws IOException {
        if (UPDATE) {
            Files.createDirectories(golden.getParent());
            Files.writeString(golden, actual, StandardCharsets.UTF_8);
            return;
        }
        if (!Files.exists(golden)) {
            fail("missing golden file " + golden + "; create it with -Dgolden.update=true");
        }
        assertThat(actual).as("%s (if intended, regenerate with -Dgolden.update=true and review the diff)", golden)
                .isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    }
}
