package dev.scaleup.app.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleup.app.db.DbCalls.Target;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The retry, eviction and time-budget rules, against a scripted pool. */
class DbCallsTest {

    /** A pool handing out numbered fake connections and recording what was done to them. */
    static final class FakePool implements Pool {

        final String name;
        final List<String> events = new ArrayList<>();
        final Deque<SQLException> borrowFailures = new ArrayDeque<>();
        int borrowed;

        FakePool(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Connection connection() throws SQLException {
            if (!borrowFailures.isEmpty()) {
                events.add("borrow failed");
                throw borrowFailures.pop();
            }
            int n = ++borrowed;
            events.add("borrow " + n);
            return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                    (proxy, method, args) -> {
                        switch (method.getName()) {
                            // the budget left shrinks by the time the test itself took, which on a loaded machine
                            // was more than the 50 ms that rounding to 100 ms forgave, and may be more than 500 ms:
                            // up to 1 s below the whole budget (5000) or the first attempt's cap (2500) counts as it
                            case "setNetworkTimeout" -> events.add("timeout " + n + " " + bucket((int) args[1]));
                            case "close" -> events.add("close " + n);
                            case "toString" -> {
                                return "conn" + n;
                            }
                            case "hashCode" -> {
                                return n;
                            }
                            case "equals" -> {
                                return proxy == args[0];
                            }
                            default -> {
                            }
                        }
                        return null;
                    });
        }

        @Override
        public void evict(Connection connection) {
            events.add("evict " + connection);
        }

        @Override
        public void evictIdle() {
            events.add("evict idle");
        }
    }

    private final FakePool primary = new FakePool("primary");
    private final FakePool replica = new FakePool("replica");
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final DbCalls db = new DbCalls(primary, replica, registry);

    /** Work that fails with the given states, one per attempt, then returns "ok". */
    private static DbCalls.Work<String> failing(String... states) {
        Deque<String> left = new ArrayDeque<>(List.of(states));
        return connection -> {
            if (!left.isEmpty()) {
                throw new SQLException("failure " + left.peek(), left.pop());
            }
            return "ok";
        };
    }

    private double retries(String pool) {
        var counter = registry.find("db.retries").tag("pool", pool).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void successUsesOneConnectionWithTheFirstAttemptsShareOfTheBudget() throws Exception {
        assertThat(db.run(Target.REPLICA, true, failing())).isEqualTo("ok");

        assertThat(replica.events).containsExactly("borrow 1", "timeout 1 2500", "close 1");
        assertThat(primary.events).isEmpty();
    }

    @Test
    void workThatIsNotRetriedGetsTheWholeBudget() throws Exception {
        db.run(Target.PRIMARY, false, failing());

        assertThat(primary.events).containsExactly("borrow 1", "timeout 1 5000", "close 1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"08006", "08003", "08001", "57P01", "57P02", "57P03", "25006"})
    void aBrokenConnectionIsEvictedAndTheWorkRetriedOnceOnAFreshOne(String state) throws Exception {
        assertThat(db.run(Target.PRIMARY, true, failing(state))).isEqualTo("ok");

        assertThat(primary.events).containsExactly("borrow 1", "timeout 1 2500", "evict conn1", "evict idle",
                "close 1", "borrow 2", "timeout 2 5000", "close 2");
        assertThat(retries("primary")).isEqualTo(1);
    }

    @Test
    void aSecondFailureIsA503() {
        assertThatThrownBy(() -> db.run(Target.PRIMARY, true, failing("08006", "57P01")))
                .isInstanceOf(DbUnavailableException.class)
                .hasMessage("failure 57P01 [57P01]");

        assertThat(primary.borrowed).isEqualTo(2);
        assertThat(registry.find("db.unavailable").tag("pool", "primary").counter().count()).isEqualTo(1);
    }

    @Test
    void workWithoutAKeyIsNeverRetried() {
        assertThatThrownBy(() -> db.run(Target.PRIMARY, false, failing("08006")))
                .isInstanceOf(DbUnavailableException.class);

        assertThat(primary.events).containsExactly("borrow 1", "timeout 1 5000", "evict conn1", "evict idle",
                "close 1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"40P01", "40001", "55P03"})
    void aRolledBackTransactionIsRetriedWithoutEvicting(String state) throws Exception {
        assertThat(db.run(Target.PRIMARY, true, failing(state))).isEqualTo("ok");

        assertThat(primary.events).containsExactly("borrow 1", "timeout 1 2500", "close 1", "borrow 2",
                "timeout 2 5000", "close 2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"23505", "22003", "42601", "XX000"})
    void theWorksOwnErrorsPassThrough(String state) {
        assertThatThrownBy(() -> db.run(Target.PRIMARY, true, failing(state)))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo(state));

        assertThat(primary.borrowed).isEqualTo(1);
        assertThat(primary.events).doesNotContain("evict idle");
    }

    @Test
    void aMissingTableMeansTheSchemaIsNotMigratedYet() {
        assertThatThrownBy(() -> db.run(Target.REPLICA, true, failing("42P01")))
                .isInstanceOf(DbUnavailableException.class)
                .hasMessageStartingWith("the database schema is not migrated yet");

        assertThat(replica.borrowed).isEqualTo(1);
    }

    @Test
    void aPoolTimeoutIsA503WithoutRetryTheConnectionTimeoutIsAlreadySpent() {
        primary.borrowFailures.add(new SQLTransientConnectionException("primary - Connection is not available",
                "08001", new SQLException("Connection refused", "08001")));

        assertThatThrownBy(() -> db.run(Target.PRIMARY, true, failing()))
                .isInstanceOf(DbUnavailableException.class)
                .hasMessageContaining("Connection refused");

        assertThat(primary.events).containsExactly("borrow failed");
    }

    @Test
    void noRetryWhenTooLittleOfTheBudgetIsLeft() {
        DbCalls tight = new DbCalls(primary, replica, registry, Duration.ofMillis(1_300));
        DbCalls.Work<String> slowThenBroken = connection -> {
            try {
                Thread.sleep(400);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new SQLException("socket timeout", "08006");
        };

        assertThatThrownBy(() -> tight.run(Target.PRIMARY, true, slowThenBroken))
                .isInstanceOf(DbUnavailableException.class);

        assertThat(primary.borrowed).isEqualTo(1);
    }

    @Test
    void theKindLooksThroughWrappers() {
        SQLException wrapped = new SQLException("outer", (String) null,
                new SQLException("inner", "57P01"));

        assertThat(DbCalls.kind(wrapped)).isEqualTo(DbCalls.Kind.CONNECTION);
        assertThat(DbCalls.kind(new SQLException("no state"))).isEqualTo(DbCalls.Kind.OTHER);
    }

    /** A network timeout as the tests name it: the budget (5000) or the first attempt's cap (2500), less up to 1 s. */
    static String bucket(int millis) {
        if (millis > 4_000 && millis <= 5_000) {
            return "5000";
        }
        if (millis > 1_500 && millis <= 2_500) {
            return "2500";
        }
        return String.valueOf(millis);
    }
}
