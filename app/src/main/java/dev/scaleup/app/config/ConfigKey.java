package dev.scaleup.app.config;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;

/** Every key the application reads, with the environment variable that overrides it. */
public enum ConfigKey {
    APP_BIND("app.bind", "APP_BIND", false),
    APP_PORT("app.port", "APP_PORT", false),
    APP_HOST_NAME("app.host-name", "APP_HOST_NAME", false),
    APP_DRAIN_SECONDS("app.drain-seconds", "APP_DRAIN_SECONDS", false),
    APP_TOKEN_KEY("app.token-key", "APP_TOKEN_KEY", true),
    APP_TOKEN_KEY_FILE("app.token-key-file", "APP_TOKEN_KEY_FILE", false),
    APP_TOKEN_TTL_SECONDS("app.token-ttl-seconds", "APP_TOKEN_TTL_SECONDS", false),
    APP_PASSWORD_ITERATIONS("app.password-iterations", "APP_PASSWORD_ITERATIONS", false),
    APP_STARTING_BALANCE_CENTS("app.starting-balance-cents", "APP_STARTING_BALANCE_CENTS", false),
    DB_HOSTS("db.hosts", "DB_HOSTS", false),
    DB_NAME("db.name", "DB_NAME", false),
    DB_USER("db.user", "DB_USER", false),
    DB_PASSWORD("db.password", "DB_PASSWORD", true),
    DB_PASSWORD_FILE("db.password-file", "DB_PASSWORD_FILE", false),
    DB_POOLED("db.pooled", "DB_POOLED", false);

    private final String key;
    private final String envVar;
    private final boolean secret;

    ConfigKey(String key, String envVar, boolean secret) {
        this.key = key;
        this.envVar = envVar;
        this.secret = secret;
    }

    /** The properties-file key, e.g. {@code app.port}. */
    public String key() {
        return key;
    }

    /** The environment variable that overrides the key, e.g. {@code APP_PORT}. */
    public String envVar() {
        return envVar;
    }

    /** Whether the value must never appear in messages or logs. */
    public boolean secret() {
        return secret;
    }

    /** Whether a properties-file key belongs to the application's namespaces ({@code app.} or {@code db.}). */
    public static boolean isReserved(String key) {
        return key.startsWith("app.") || key.startsWith("db.");
    }

    public static Optional<ConfigKey> byKey(String key) {
        return Arrays.stream(values()).filter(k -> k.key.equals(key)).findFirst();
    }

    /** The known key nearest to {@code unknown} by edit distance (ties: the first declared). */
    public static ConfigKey nearest(String unknown) {
        return Arrays.stream(values())
                .min(Comparator.comparingInt(k -> EditDistance.between(unknown, k.key)))
                .orElseThrow();
    }
}
