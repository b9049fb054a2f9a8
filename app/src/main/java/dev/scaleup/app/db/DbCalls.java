package dev.scaleup.app.db;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Runs one unit of database work on a connection from the primary or the replica pool, within a time budget.
 *
 * <ul>
 *   <li>A connection that failed with a connection error (SQLState class 08, 57P01..57P03 admin/crash shutdown,
 *       25006 read-only transaction on a demoted primary) is evicted, and so are the pool's idle connections.</li>
 *   <li>Work marked retryable (a GET, a login, a write with its Idempotency-Key) is then run ONCE more on a fresh
 *       connection, also after a rolled-back deadlock, serialization failure or lock timeout (40P01, 40001,
 *       55P03). Work is retried only when it failed on a borrowed connection: when the pool itself timed out it
 *       has already spent its connection timeout trying.</li>
 *   <li>Every attempt's socket reads are bounded by the rest of the budget ({@link Connection#setNetworkTimeout}),
 *       so a request never waits for the database much longer than {@link #BUDGET}.</li>
 * </ul>
 *
 * <p>Every failure of that kind ends as a {@link DbUnavailableException} (HTTP 503 {@code db_unavailable}); other
 * SQL errors are the work's own business and are thrown as they are.
 */
public final class DbCalls {

    /** Which pool serves the work. */
    public enum Target {
        PRIMARY, REPLICA
    }

    /** One unit of work; it manages its own transaction (the pool rolls back what it left uncommitted). */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    static final Duration BUDGET = Duration.ofMillis(5_000);
    /** The first attempt of retryable work leaves this much of the budget for the retry. */
    static final Duration FIRST_ATTEMPT_MAX = Duration.ofMillis(2_500);
    static final Duration MIN_RETRY_TIME = Duration.ofMillis(1_000);
    static final Duration MIN_NETWORK_TIMEOUT = Duration.ofMillis(250);

    private static final System.Logger LOG = System.getLogger(DbCalls.class.getName());
    private static final Set<String> CONNECTION_STATES = Set.of("57P01", "57P02", "57P03", "25006");
    private static final Set<String> ROLLED_BACK_STATES = Set.of("40001", "40P01", "55P03");
    private static final Executor DIRECT = Runnable::run;

    private final Pool primary;
    private final Pool replica;
    private final Duration budget;
    private final MeterRegistry registry;

    /** @param registry gets {@code db_retries_total} and {@code db_unavailable_total} by pool */
    public DbCalls(Pool primary, Pool replica, MeterRegistry registry) {
        this(primary, replica, registry, BUDGET);
    }

    DbCalls(Pool primary, Pool replica, MeterRegistry registry, Duration budget) {
        this.primary = requireNonNull(primary, "primary is null");
        this.replica = requireNonNull(replica, "replica is null");
        this.registry = requireNonNull(registry, "registry is null");
        this.budget = requireNonNull(budget, "budget is null");
    }

    private Counter counter(String name, String description, Pool pool) {
        return Counter.builder(name).description(description).tag("pool", pool.name()).register(registry);
    }

    private DbUnavailableException unavailable(Pool pool, String message, Throwable cause) {
        counter("db.unavailable", "Requests answered 503 because the database failed", pool).increment();
        return new DbUnavailableException(message, cause);
    }

    /**
     * Runs {@code work} on the {@code target} pool.
     *
     * @param retryable whether running the work twice is harmless (reads, or writes guarded by a key)
     * @throws DbUnavailableException the database did not answer, or broke the connection, even after a retry
     * @throws SQLException           any other database error of the work itself
     */
    public <T> T run(Target target, boolean retryable, Work<T> work) throws DbUnavailableException, SQLException {
        Pool pool = target == Target.PRIMARY ? primary : replica;
        long start = System.nanoTime();
        long deadline = start + budget.toNanos();
        for (int attempt = 1; ; attempt++) {
            Connection connection;
            try {
                connection = pool.connection();
            } catch (SQLException e) {
                throw unavailable(pool, DbErrors.describe(e), e);
            }
            boolean last = !retryable || attempt == 2;
            SQLException failure;
            try {
                long left = deadline - System.nanoTime();
                long cap = last ? left : Math.min(left, FIRST_ATTEMPT_MAX.toNanos());
                connection.setNetworkTimeout(DIRECT, (int) Math.max(MIN_NETWORK_TIMEOUT.toMillis(), cap / 1_000_000));
                return work.run(connection);
            } catch (SQLException e) {
                failure = e;
                if (kind(e) == Kind.CONNECTION) {
                    pool.evict(connection); // before close: the pool must not hand this one out again
                    pool.evictIdle();
                }
            } finally {
                closeQuietly(connection);
            }
            Kind kind = kind(failure);
            if (kind == Kind.OTHER) {
                throw failure;
            }
            if (kind == Kind.NOT_MIGRATED) {
                throw unavailable(pool, "the database schema is not migrated yet: " + DbErrors.describe(failure),
                        failure);
            }
            boolean retry = !last && deadline - System.nanoTime() >= MIN_RETRY_TIME.toNanos();
            LOG.log(Level.WARNING, "{0} pool: {1} on attempt {2}{3}", pool.name(), DbErrors.describe(failure),
                    attempt, retry ? ", retrying on a fresh connection" : "");
            if (!retry) {
                throw unavailable(pool, DbErrors.describe(failure), failure);
            }
            counter("db.retries", "Database work retried on a fresh connection", pool).increment();
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.DEBUG, "closing a connection failed: {0}", DbErrors.describe(e));
        }
    }

    enum Kind {
        /** The connection is broken or leads to the wrong server: evict, maybe retry. */
        CONNECTION,
        /** The transaction was rolled back by the server (deadlock, serialization, lock timeout): maybe retry. */
        ROLLED_BACK,
        /** The schema is not there yet (migrations pending): 503 without retry. */
        NOT_MIGRATED,
        /** Anything else: the work's own error. */
        OTHER
    }

    static Kind kind(SQLException e) {
        if (e instanceof SQLTransientConnectionException) {
            return Kind.CONNECTION;
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || CONNECTION_STATES.contains(state)) {
                    return Kind.CONNECTION;
                }
                if (ROLLED_BACK_STATES.contains(state)) {
                    return Kind.ROLLED_BACK;
                }
                if (state.equals("42P01")) {
                    return Kind.NOT_MIGRATED;
                }
                return Kind.OTHER;
            }
        }
        return Kind.OTHER;
    }
}
