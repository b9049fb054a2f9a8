package dev.scaleup.app.config;

/**
 * A configuration value is missing or invalid. The message is one line, starts with {@code config: } and never
 * contains a password.
 */
public final class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message.startsWith("config: ") ? message : "config: " + message);
    }
}
