package dev.scaleup.app.config;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;

/** The properties file overlaid with environment variables; a non-blank variable wins over the file. */
final class Settings {

    private final Properties file;
    private final String fileName;
    private final Map<String, String> env;

    Settings(Properties file, String fileName, Map<String, String> env) {
        this.file = requireNonNull(file, "file is null");
        this.fileName = requireNonNull(fileName, "fileName is null");
        this.env = requireNonNull(env, "env is null");
    }

    Optional<RawValue> get(ConfigKey key) {
        String fromEnv = env.get(key.envVar());
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Optional.of(new RawValue(key, fromEnv.strip(), key.envVar()));
        }
        String fromFile = file.getProperty(key.key());
        return fromFile == null ? Optional.empty() : Optional.of(new RawValue(key, fromFile.strip(), null));
    }

    /** Fails on the first (sorted) unknown {@code app.*} or {@code db.*} key of the file, suggesting the nearest. */
    void rejectUnknownKeys() {
        for (String name : new TreeSet<>(file.stringPropertyNames())) {
            if (ConfigKey.isReserved(name) && ConfigKey.byKey(name).isEmpty()) {
                throw new ConfigException("unknown key '" + name + "' in " + fileName
                        + "; did you mean '" + ConfigKey.nearest(name).key() + "'?");
            }
        }
    }
}
