package dev.scaleup.app;

import dev.scaleup.app.config.AppConfig;
import dev.scaleup.app.config.DbHost;
import java.time.Duration;
import java.util.List;

/** Configurations for servers started in-process by the tests. */
final class TestConfigs {

    static final String TOKEN_KEY = "test-token-key-0123456789abcdef-0123456789";
    /** The minimum, so sign-ups and logins are fast in tests. */
    static final int PASSWORD_ITERATIONS = 1_000;
    static final long STARTING_BALANCE = 100_000;

    private TestConfigs() {
    }

    static AppConfig config(String hostName, List<DbHost> dbHosts, String dbPassword, Duration drain) {
        return new AppConfig("127.0.0.1", 0, hostName, dbHosts, "app", "app", dbPassword, drain, TOKEN_KEY,
                Duration.ofHours(1), PASSWORD_ITERATIONS, STARTING_BALANCE);
    }
}
