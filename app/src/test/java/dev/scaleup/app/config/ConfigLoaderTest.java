package dev.scaleup.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    private static final Map<String, String> MINIMAL_ENV = Map.of("DB_HOSTS", "db1:5432", "DB_PASSWORD", "s3cret",
            "APP_TOKEN_KEY", "token-key-of-at-least-32-characters!");

    @TempDir
    Path dir;

    private static ConfigLoader loader(Map<String, String> env) {
        return new ConfigLoader(env, () -> "machine-7");
    }

    private Path file(String content) throws IOException {
        Path file = dir.resolve("app.properties");
        Files.writeString(file, content);
        return file;
    }

    @Test
    void defaultsApplyWhenOnlyRequiredValuesAreSet() {
        AppConfig config = loader(MINIMAL_ENV).load(List.of());

        assertThat(config.bind()).isEqualTo("0.0.0.0");
        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.hostName()).isEqualTo("machine-7");
        assertThat(config.dbHosts()).containsExactly(new DbHost("db1", 5432));
        assertThat(config.dbName()).isEqualTo("app");
        assertThat(config.dbUser()).isEqualTo("app");
        assertThat(config.dbPassword()).isEqualTo("s3cret");
        assertThat(config.drainTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.tokenKey()).isEqualTo("token-key-of-at-least-32-characters!");
        assertThat(config.tokenTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(config.passwordIterations()).isEqualTo(120_000);
        assertThat(config.startingBalanceCents()).isEqualTo(100_000);
        assertThat(config.dbPooled()).isFalse();
    }

    @Test
    void mapsEveryKeyOfTheFile() throws IOException {
        Path secret = dir.resolve("db.pw");
        Files.writeString(secret, "  from-file\n");
        Path tokenKey = dir.resolve("token.key");
        Files.writeString(tokenKey, "0123456789abcdef0123456789abcdef-from-file\n");
        Path file = file("""
                # comment
                app.bind = 10.0.1.5
                app.port = 9090
                app.host-name = app-2
                app.drain-seconds = 12
                db.hosts = 10.0.2.11:5432, 10.0.2.12:5433 ,[fd00::13]:5432
                db.name = shop
                db.user = shop_rw
                db.password-file = %s
                app.token-key-file = %s
                app.token-ttl-seconds = 600
                app.password-iterations = 1000
                app.starting-balance-cents = 0
                db.pooled = true
                other.key = ignored
                """.formatted(secret, tokenKey));

        AppConfig config = loader(Map.of()).load(List.of("--config", file.toString()));

        assertThat(config.bind()).isEqualTo("10.0.1.5");
        assertThat(config.port()).isEqualTo(9090);
        assertThat(config.hostName()).isEqualTo("app-2");
        assertThat(config.drainTimeout()).isEqualTo(Duration.ofSeconds(12));
        assertThat(config.dbHosts()).containsExactly(new DbHost("10.0.2.11", 5432), new DbHost("10.0.2.12", 5433),
                new DbHost("fd00::13", 5432));
        assertThat(config.dbName()).isEqualTo("shop");
        assertThat(config.dbUser()).isEqualTo("shop_rw");
        assertThat(config.dbPassword()).isEqualTo("from-file");
        assertThat(config.tokenKey()).isEqualTo("0123456789abcdef0123456789abcdef-from-file");
        assertThat(config.tokenTtl()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.passwordIterations()).isEqualTo(1_000);
        assertThat(config.startingBalanceCents()).isZero();
        assertThat(config.dbPooled()).isTrue();
    }

    @Test
    void pooledIsTrueOrFalse() throws IOException {
        Path file = file("db.pooled = yes\n");
        assertThatThrownBy(() -> loader(MINIMAL_ENV).load(List.of("--config", file.toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("db.pooled")
                .hasMessageContaining("must be true or false");
    }

    @Test
    void environmentOverridesTheFileAndBlankVariablesAreIgnored() throws IOException {
        Path file = file("app.port=9090\napp.host-name=from-file\ndb.hosts=a:1\ndb.password=p\ndb.name=filedb\n"
                + "app.token-key=" + "k".repeat(32) + "\n");
        Map<String, String> env = new HashMap<>();
        env.put("APP_PORT", "7070");
        env.put("DB_HOSTS", "b:2,c:3");
        env.put("APP_HOST_NAME", "   ");
        env.put("APP_CONFIG", file.toString());

        AppConfig config = loader(env).load(List.of());

        assertThat(config.port()).isEqualTo(7070);
        assertThat(config.dbHosts()).containsExactly(new DbHost("b", 2), new DbHost("c", 3));
        assertThat(config.hostName()).isEqualTo("from-file");
        assertThat(config.dbName()).isEqualTo("filedb");
    }

    @Test
    void commandLineWinsOverAppConfigVariable() throws IOException {
        Path file = file("db.hosts=a:1\ndb.password=p\napp.port=1234\napp.token-key=" + "k".repeat(40) + "\n");
        Map<String, String> env = Map.of("APP_CONFIG", dir.resolve("missing.properties").toString());

        assertThat(loader(env).load(List.of("--config=" + file)).port()).isEqualTo(1234);
    }

    @Test
    void unknownKeyGetsDidYouMean() throws IOException {
        Path file = file("db.hosts=a:1\ndb.password=p\napp.prot=8080\n");

        assertThatThrownBy(() -> loader(Map.of()).load(List.of("--config", file.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config: unknown key 'app.prot' in " + file + "; did you mean 'app.port'?");
    }

    @Test
    void didYouMeanPicksTheNearestKey() throws IOException {
        Path file = file("db.hosts=a:1\ndb.password=p\ndb.pasword_file=/x\n");

        assertThatThrownBy(() -> loader(Map.of()).load(List.of("--config", file.toString())))
                .hasMessageEndingWith("did you mean 'db.password-file'?");
    }

    @Test
    void missingFileIsAConfigError() {
        Path missing = dir.resolve("nope.properties");

        assertThatThrownBy(() -> loader(MINIMAL_ENV).load(List.of("--config", missing.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("config: cannot read config file '" + missing + "' (NoSuchFileException");
    }

    @Test
    void theFileDashIsStandardInput() {
        // how the control plane hands the app its secrets: a file only root can open, given as standard input
        String properties = "db.hosts=a:1\ndb.password=from-stdin\napp.token-key=" + "k".repeat(40) + "\n";
        AppConfig config = loader(Map.of()).load(List.of("--config", "-"),
                new ByteArrayInputStream(properties.getBytes(StandardCharsets.UTF_8)));

        assertThat(config.dbPassword()).isEqualTo("from-stdin");
        assertThat(config.dbHosts()).containsExactly(new DbHost("a", 1));
        assertThatThrownBy(() -> loader(Map.of()).load(List.of("--config", "-"),
                new ByteArrayInputStream("app.prot=1\n".getBytes(StandardCharsets.UTF_8))))
                .hasMessage("config: unknown key 'app.prot' in (standard input); did you mean 'app.port'?");
    }

    @Test
    void badArgumentsAreConfigErrors() {
        assertThatThrownBy(() -> loader(MINIMAL_ENV).load(List.of("--verbose")))
                .hasMessage("config: unknown argument '--verbose'; usage: java -jar app.jar [--config FILE|-]");
        assertThatThrownBy(() -> loader(MINIMAL_ENV).load(List.of("--config")))
                .hasMessage("config: --config needs a file name; usage: java -jar app.jar [--config FILE|-]");
    }

    @Test
    void toStringNeverShowsThePassword() {
        AppConfig config = loader(MINIMAL_ENV).load(List.of());

        assertThat(config.toString()).doesNotContain("s3cret").contains("dbPassword=***")
                .doesNotContain("token-key-of").contains("tokenKey=***");
    }
}
