package dev.scaleup.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each invalid value gives one line naming the key and what is allowed. */
class ConfigErrorsTest {

    @TempDir
    Path dir;

    private static String errorFor(String key, String value) {
        Properties file = new Properties();
        file.setProperty("db.hosts", "db1:5432");
        file.setProperty("db.password", "pw");
        file.setProperty("app.token-key", "k".repeat(32));
        file.setProperty(key, value);
        try {
            new ConfigLoader(Map.of(), () -> "machine").fromProperties(file, "test.properties");
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("no error for " + key + "=" + value);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "app.port|abc|config: app.port must be an integer 1..65535, got 'abc'",
        "app.port|0|config: app.port must be an integer 1..65535, got '0'",
        "app.port|65536|config: app.port must be an integer 1..65535, got '65536'",
        "app.port|-1|config: app.port must be an integer 1..65535, got '-1'",
        "app.drain-seconds|3601|config: app.drain-seconds must be an integer 0..3600, got '3601'",
        "app.drain-seconds|1.5|config: app.drain-seconds must be an integer 0..3600, got '1.5'",
        "app.bind|not a host|config: app.bind must be an IP address or host name, got 'not a host'",
        "app.host-name|two words|config: app.host-name must be 1-253 visible ASCII characters without spaces,"
                + " got 'two words'",
        "db.name|my db|config: db.name must be 1-63 characters of letters, digits, '_', '$', '.' or '-',"
                + " not starting with '$', '.' or '-', got 'my db'",
        "db.user|-x|config: db.user must be 1-63 characters of letters, digits, '_', '$', '.' or '-',"
                + " not starting with '$', '.' or '-', got '-x'",
        "app.token-ttl-seconds|0|config: app.token-ttl-seconds must be an integer 1..2592000, got '0'",
        "app.token-ttl-seconds|1h|config: app.token-ttl-seconds must be an integer 1..2592000, got '1h'",
        "app.password-iterations|999|config: app.password-iterations must be an integer 1000..10000000, got '999'",
        "app.starting-balance-cents|-1|config: app.starting-balance-cents must be an integer 0..1000000000000,"
                + " got '-1'",
        "app.starting-balance-cents|1000000000001|config: app.starting-balance-cents must be an integer"
                + " 0..1000000000000, got '1000000000001'",
        "app.token-key|short|config: app.token-key must be at least 32 characters long",
    })
    void invalidValue(String key, String value, String message) {
        assertThat(errorFor(key, value)).isEqualTo(message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "db1", "db1:", ":5432", "db1:0", "db1:65536", "db1:54x", "db1:5432,", "db1:5432,,db2:5432",
        "[::1:5432", "[zz::1]:5432", "db 1:5432", "''",
    })
    void invalidHosts(String hosts) {
        assertThat(errorFor("db.hosts", hosts)).isEqualTo("config: db.hosts must be a comma-separated list of"
                + " host:port (e.g. 10.0.0.11:5432,10.0.0.12:5432), got '" + hosts + "'");
    }

    @Test
    void duplicateHosts() {
        assertThat(errorFor("db.hosts", "a:1,a:1")).contains("without duplicates");
    }

    @Test
    void envOverrideIsNamedInTheMessage() {
        Map<String, String> env = Map.of("DB_HOSTS", "a:1", "DB_PASSWORD", "pw", "APP_PORT", "http");

        assertThatThrownBy(() -> new ConfigLoader(env, () -> "m").load(List.of()))
                .hasMessage("config: app.port (from env APP_PORT) must be an integer 1..65535, got 'http'");
    }

    @Test
    void hostsAreRequired() {
        assertThatThrownBy(() -> new ConfigLoader(Map.of("DB_PASSWORD", "pw"), () -> "m").load(List.of()))
                .hasMessage("config: db.hosts is required: a comma-separated list of host:port"
                        + " (e.g. 10.0.0.11:5432,10.0.0.12:5432), in the config file or env DB_HOSTS");
    }

    @Test
    void aPasswordIsRequired() {
        assertThatThrownBy(() -> new ConfigLoader(Map.of("DB_HOSTS", "a:1"), () -> "m").load(List.of()))
                .hasMessage("config: db.password or db.password-file is required, in the config file or env"
                        + " DB_PASSWORD or DB_PASSWORD_FILE");
    }

    @Test
    void onlyOnePasswordSourceIsAllowed() {
        Map<String, String> env = Map.of("DB_HOSTS", "a:1", "DB_PASSWORD", "pw", "DB_PASSWORD_FILE", "/x");

        assertThatThrownBy(() -> new ConfigLoader(env, () -> "m").load(List.of()))
                .hasMessage("config: set only one of db.password (env DB_PASSWORD) and db.password-file"
                        + " (env DB_PASSWORD_FILE)");
    }

    @Test
    void emptyPasswordIsRejectedWithoutEchoingIt() {
        Properties file = new Properties();
        file.setProperty("db.hosts", "a:1");
        file.setProperty("db.password", "   ");

        assertThatThrownBy(() -> new ConfigLoader(Map.of(), () -> "m").fromProperties(file, "f"))
                .hasMessage("config: db.password must not be empty");
    }

    @Test
    void passwordFileMustBeReadableAndNotEmpty() throws IOException {
        Path missing = dir.resolve("missing");
        Path empty = Files.writeString(dir.resolve("empty"), " \n");
        Map<String, String> env = new HashMap<>(Map.of("DB_HOSTS", "a:1"));

        env.put("DB_PASSWORD_FILE", missing.toString());
        assertThatThrownBy(() -> new ConfigLoader(env, () -> "m").load(List.of()))
                .hasMessage("config: db.password-file (from env DB_PASSWORD_FILE) must name a readable file,"
                        + " cannot read '" + missing + "' (NoSuchFileException)");

        env.put("DB_PASSWORD_FILE", empty.toString());
        assertThatThrownBy(() -> new ConfigLoader(env, () -> "m").load(List.of()))
                .hasMessage("config: db.password-file (from env DB_PASSWORD_FILE) must name a file holding the"
                        + " password, '" + empty + "' is empty");
    }

    @Test
    void passwordNeverAppearsInAnyMessage() {
        Map<String, String> env = Map.of("DB_HOSTS", "a:1", "DB_PASSWORD", "hunter2", "APP_PORT", "x");

        assertThatThrownBy(() -> new ConfigLoader(env, () -> "m").load(List.of()))
                .message().doesNotContain("hunter2");
    }

    private static final Map<String, String> DB_ENV = Map.of("DB_HOSTS", "a:1", "DB_PASSWORD", "pw");

    @Test
    void aTokenKeyIsRequired() {
        assertThatThrownBy(() -> new ConfigLoader(DB_ENV, () -> "m").load(List.of()))
                .hasMessage("config: app.token-key or app.token-key-file is required (the session-token signing"
                        + " key, at least 32 characters, the same on every app server), in the config file or env"
                        + " APP_TOKEN_KEY or APP_TOKEN_KEY_FILE");
    }

    @Test
    void onlyOneTokenKeySourceIsAllowed() {
        Map<String, String> env = new HashMap<>(DB_ENV);
        env.put("APP_TOKEN_KEY", "k".repeat(32));
        env.put("APP_TOKEN_KEY_FILE", "/x");

        assertThatThrownBy(() -> new ConfigLoader(env, () -> "m").load(List.of()))
                .hasMessage("config: set only one of app.token-key (env APP_TOKEN_KEY) and app.token-key-file"
                        + " (env APP_TOKEN_KEY_FILE)");
    }

    @Test
    void aShortTokenKeyIsRejectedWithoutEchoingIt() {
        Map<String, String> env = new HashMap<>(DB_ENV);
        env.put("APP_TOKEN_KEY", "short-secret-value");

        assertThatThrownBy(() -> new ConfigLoader(env, () -> "m").load(List.of()))
                .hasMessage("config: app.token-key (from env APP_TOKEN_KEY) must be at least 32 characters long")
                .message().doesNotContain("short-secret-value");
    }

    @Test
    void tokenKeyFileMustExistAndBeLongEnough() throws IOException {
        Path missing = dir.resolve("missing.key");
        Path shortKey = Files.writeString(dir.resolve("short.key"), "tiny\n");
        Map<String, String> env = new HashMap<>(DB_ENV);

        env.put("APP_TOKEN_KEY_FILE", missing.toString());
        assertThatThrownBy(() -> new ConfigLoader(env, () -> "m").load(List.of()))
                .hasMessage("config: app.token-key-file (from env APP_TOKEN_KEY_FILE) must name a readable file,"
                        + " cannot read '" + missing + "' (NoSuchFileException)");

        env.put("APP_TOKEN_KEY_FILE", shortKey.toString());
        assertThatThrownBy(() -> new ConfigLoader(env, () -> "m").load(List.of()))
                .hasMessage("config: app.token-key-file (from env APP_TOKEN_KEY_FILE) must be at least 32"
                        + " characters long (the file holds 4)");
    }

    @Test
    void misspelledNewKeysGetDidYouMean() {
        Properties file = new Properties();
        file.setProperty("db.hosts", "a:1");
        file.setProperty("db.password", "pw");
        file.setProperty("app.token_key", "k".repeat(32));

        assertThatThrownBy(() -> new ConfigLoader(Map.of(), () -> "m").fromProperties(file, "f"))
                .hasMessage("config: unknown key 'app.token_key' in f; did you mean 'app.token-key'?");
    }

    @Test
    void controlCharactersAreNotEchoed() {
        assertThat(errorFor("app.port", "1\u001b[2J")).isEqualTo(
                "config: app.port must be an integer 1..65535, got '1?[2J'");
    }
}
