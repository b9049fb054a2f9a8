package dev.scaleup.app.config;

import static java.util.Objects.requireNonNull;

/**
 * One configured value before validation, with where it came from.
 *
 * @param key    the key
 * @param value  the value, stripped of surrounding whitespace
 * @param envVar the environment variable it came from, or null when it came from the properties file
 */
record RawValue(ConfigKey key, String value, String envVar) {

    private static final int MAX_ECHO = 80;

    RawValue {
        requireNonNull(key, "key is null");
        requireNonNull(value, "value is null");
    }

    /** The key as named in messages, e.g. {@code app.port} or {@code app.port (from env APP_PORT)}. */
    String where() {
        return envVar == null ? key.key() : key.key() + " (from env " + envVar + ")";
    }

    /** An error saying the value breaks {@code rule}; echoes the value unless it is secret. */
    ConfigException invalid(String rule) {
        String got = key.secret() ? "" : ", got '" + printable(value) + "'";
        return new ConfigException(where() + " must be " + rule + got);
    }

    private static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length() && out.length() < MAX_ECHO; i++) {
            char c = s.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return s.length() > MAX_ECHO ? out + "..." : out.toString();
    }
}
