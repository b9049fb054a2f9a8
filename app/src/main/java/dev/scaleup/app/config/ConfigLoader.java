package dev.scaleup.app.config;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;

/** Builds an {@link AppConfig} from the command line, an optional properties file and the environment. */
public final class ConfigLoader {

    static final String DEFAULT_BIND = "0.0.0.0";
    static final int DEFAULT_PORT = 8080;
    static final String DEFAULT_DB_NAME = "app";
    static final String DEFAULT_DB_USER = "app";
    static final int DEFAULT_DRAIN_SECONDS = 5;
    static final int DEFAULT_TOKEN_TTL_SECONDS = 3600;
    static final int MAX_TOKEN_TTL_SECONDS = 30 * 24 * 3600;
    static final int DEFAULT_PASSWORD_ITERATIONS = 120_000;
    static final long DEFAULT_STARTING_BALANCE_CENTS = 100_000;

    private final Map<String, String> env;
    private final Supplier<String> machineHostName;

    /**
     * @param env             the environment variables (overrides)
     * @param machineHostName the default of {@code app.host-name}; only called when that key is not set
     */
    public ConfigLoader(Map<String, String> env, Supplier<String> machineHostName) {
        this.env = Map.copyOf(requireNonNull(env, "env is null"));
        this.machineHostName = requireNonNull(machineHostName, "machineHostName is null");
    }

    /** Loads the file named by {@code --config} or {@code APP_CONFIG}, if any, and validates everything. */
    public AppConfig load(List<String> args) {
        return load(args, System.in);
    }

    /** As {@link #load(List)}, with {@code stdin} for the file {@code -}. */
    AppConfig load(List<String> args, InputStream stdin) {
        Optional<Path> file = CommandLine.configFile(args, env);
        if (file.isEmpty()) {
            return fromProperties(new Properties(), "(no config file)");
        }
        if (file.get().toString().equals(CommandLine.STDIN)) {
            return fromProperties(read(new InputStreamReader(stdin, StandardCharsets.UTF_8), "standard input"),
                    "(standard input)");
        }
        return fromProperties(readFile(file.get()), file.get().toString());
    }

    static Properties readFile(Path file) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(reader, "'" + file + "'");
        } catch (IOException e) {
            throw cannotRead("'" + file + "'", e);
        }
    }

    private static Properties read(Reader reader, String what) {
        Properties properties = new Properties();
        try {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw cannotRead(what, e);
        }
        return properties;
    }

    private static ConfigException cannotRead(String what, Exception e) {
        return new ConfigException("cannot read config file " + what + " (" + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
    }

    /** Validates the given file content overlaid with the environment. */
    public AppConfig fromProperties(Properties file, String fileName) {
        Settings settings = new Settings(file, fileName, env);
        settings.rejectUnknownKeys();
        String bind = settings.get(ConfigKey.APP_BIND).map(Values::bind).orElse(DEFAULT_BIND);
        int port = settings.get(ConfigKey.APP_PORT).map(Values::port).orElse(DEFAULT_PORT);
        String hostName = settings.get(ConfigKey.APP_HOST_NAME).map(Values::hostName).orElseGet(this::defaultHostName);
        int drainSeconds = settings.get(ConfigKey.APP_DRAIN_SECONDS)
                .map(raw -> Values.intInRange(raw, 0, 3600)).orElse(DEFAULT_DRAIN_SECONDS);
        List<DbHost> dbHosts = settings.get(ConfigKey.DB_HOSTS).map(Values::dbHosts)
                .orElseThrow(() -> new ConfigException("db.hosts is required: " + Values.HOSTS_RULE
                        + ", in the config file or env DB_HOSTS"));
        String dbName = settings.get(ConfigKey.DB_NAME).map(Values::dbIdentifier).orElse(DEFAULT_DB_NAME);
        String dbUser = settings.get(ConfigKey.DB_USER).map(Values::dbIdentifier).orElse(DEFAULT_DB_USER);
        String password = password(settings);
        String tokenKey = tokenKey(settings);
        int tokenTtl = settings.get(ConfigKey.APP_TOKEN_TTL_SECONDS)
                .map(raw -> Values.intInRange(raw, 1, MAX_TOKEN_TTL_SECONDS)).orElse(DEFAULT_TOKEN_TTL_SECONDS);
        int iterations = settings.get(ConfigKey.APP_PASSWORD_ITERATIONS)
                .map(raw -> Values.intInRange(raw, AppConfig.MIN_PASSWORD_ITERATIONS,
                        AppConfig.MAX_PASSWORD_ITERATIONS))
                .orElse(DEFAULT_PASSWORD_ITERATIONS);
        long startingBalance = settings.get(ConfigKey.APP_STARTING_BALANCE_CENTS)
                .map(raw -> Values.longInRange(raw, 0, AppConfig.MAX_STARTING_BALANCE_CENTS))
                .orElse(DEFAULT_STARTING_BALANCE_CENTS);
        boolean pooled = settings.get(ConfigKey.DB_POOLED).map(Values::bool).orElse(false);
        return new AppConfig(bind, port, hostName, dbHosts, dbName, dbUser, password,
                Duration.ofSeconds(drainSeconds), tokenKey, Duration.ofSeconds(tokenTtl), iterations, startingBalance,
                pooled);
    }

    private static String tokenKey(Settings settings) {
        Optional<RawValue> inline = settings.get(ConfigKey.APP_TOKEN_KEY);
        Optional<RawValue> file = settings.get(ConfigKey.APP_TOKEN_KEY_FILE);
        if (inline.isPresent() && file.isPresent()) {
            throw new ConfigException("set only one of app.token-key (env APP_TOKEN_KEY) and app.token-key-file"
                    + " (env APP_TOKEN_KEY_FILE)");
        }
        if (inline.isPresent()) {
            return Values.tokenKey(inline.get(), inline.get().value());
        }
        return file.map(raw -> Values.tokenKey(raw, Values.secretFromFile(raw, "the token key")))
                .orElseThrow(() -> new ConfigException("app.token-key or app.token-key-file is required (the"
                        + " session-token signing key, at least " + AppConfig.MIN_TOKEN_KEY_LENGTH + " characters,"
                        + " the same on every app server), in the config file or env APP_TOKEN_KEY or"
                        + " APP_TOKEN_KEY_FILE"));
    }

    private static String password(Settings settings) {
        Optional<RawValue> inline = settings.get(ConfigKey.DB_PASSWORD);
        Optional<RawValue> file = settings.get(ConfigKey.DB_PASSWORD_FILE);
        if (inline.isPresent() && file.isPresent()) {
            throw new ConfigException("set only one of db.password (env DB_PASSWORD) and db.password-file"
                    + " (env DB_PASSWORD_FILE)");
        }
        if (inline.isPresent()) {
            return Values.password(inline.get());
        }
        return file.map(raw -> Values.secretFromFile(raw, "the password")).orElseThrow(() -> new ConfigException(
                "db.password or db.password-file is required, in the config file or env DB_PASSWORD"
                        + " or DB_PASSWORD_FILE"));
    }

    private String defaultHostName() {
        String machine = machineHostName.get();
        return Values.hostName(new RawValue(ConfigKey.APP_HOST_NAME, machine == null ? "" : machine.strip(),
                null));
    }
}
