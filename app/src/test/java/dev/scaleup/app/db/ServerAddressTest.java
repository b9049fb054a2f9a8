package dev.scaleup.app.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import org.junit.jupiter.api.Test;

class ServerAddressTest {

    /** A connection that is not pgJDBC's: it wraps nothing. */
    private static Connection foreign() {
        return (Connection) Proxy.newProxyInstance(ServerAddressTest.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "isWrapperFor" -> false;
                    case "unwrap" -> throw new java.sql.SQLException("not a wrapper");
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void postgresqlsOwnAnswerWins() {
        assertThat(ServerAddress.of(foreign(), "198.18.0.81")).isEqualTo("198.18.0.81");
    }

    @Test
    void overASocketWithoutPgJdbcThereIsNoAddress() {
        assertThat(ServerAddress.of(foreign(), null)).isNull();
    }
}
