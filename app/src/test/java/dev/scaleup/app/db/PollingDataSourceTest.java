package dev.scaleup.app.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PollingDataSourceTest {

    static final Connection CONNECTION = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
            new Class<?>[] {Connection.class}, (proxy, method, args) -> null);

    /** A connector that fails with the given SQL states, in turn, then connects. */
    static PollingDataSource.Connector failing(List<String> states, List<Properties> seen) {
        List<String> left = new ArrayList<>(states);
        return (url, properties) -> {
            seen.add(properties);
            if (!left.isEmpty()) {
                throw new SQLException("no", left.remove(0));
            }
            return CONNECTION;
        };
    }

    @Test
    void waitsOutAFailoverThenConnects() throws Exception {
        List<Properties> seen = new ArrayList<>();
        Properties props = new Properties();
        props.setProperty("user", "app");
        PollingDataSource source = new PollingDataSource("jdbc:postgresql://a,b/app", props,
                failing(List.of("08001", "08001", "57P03"), seen), System::nanoTime);
        long start = System.nanoTime();
        assertThat(source.getConnection()).isSameAs(CONNECTION);
        assertThat(seen).hasSize(4).allMatch(p -> p.getProperty("user").equals("app"));
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(3 * PollingDataSource.INTERVAL.toMillis());
    }

    @Test
    void aWrongPasswordFailsAtOnce() {
        List<Properties> seen = new ArrayList<>();
        PollingDataSource source = new PollingDataSource("jdbc:postgresql://a/app", new Properties(),
                failing(List.of("28P01"), seen), System::nanoTime);
        assertThatThrownBy(source::getConnection).isInstanceOf(SQLException.class).hasFieldOrPropertyWithValue("SQLState", "28P01");
        assertThat(seen).hasSize(1);
    }

    @Test
    void givesUpAfterItsPatience() {
        AtomicLong now = new AtomicLong();
        // every attempt takes 4 s of the clock: the third one ends past the 10 s of patience
        PollingDataSource source = new PollingDataSource("jdbc:postgresql://a/app", new Properties(), (url, p) -> {
            now.addAndGet(4_000_000_000L);
            throw new SQLException("Could not find a server with specified targetServerType: primary", "08001");
        }, now::get);
        assertThatThrownBy(source::getConnection).isInstanceOf(SQLException.class).hasMessageContaining("primary");
        assertThat(now.get()).isEqualTo(12_000_000_000L);
    }

    @Test
    void onlyConnectionFailuresAreWaitedOut() {
        assertThat(PollingDataSource.cannotConnectNow(new SQLException("x", "08006"))).isTrue();
        assertThat(PollingDataSource.cannotConnectNow(new SQLException("x", "57P03"))).isTrue();
        assertThat(PollingDataSource.cannotConnectNow(new SQLException("x", "28P01"))).isFalse();
        assertThat(PollingDataSource.cannotConnectNow(new SQLException("x"))).isFalse();
    }
}
