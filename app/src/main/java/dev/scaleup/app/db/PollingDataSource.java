package dev.scaleup.app.db;

import static java.util.Objects.requireNonNull;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.Properties;
import java.util.function.LongSupplier;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Where the pools get new connections: while no server of the wanted role can be reached (a failover under way: the
 * old primary gone, the new one not promoted yet), it tries again every {@link #INTERVAL} for up to {@link #PATIENCE}
 * before it gives up, instead of failing at once.
 *
 * <p>Why: HikariCP retries a failed connection attempt after a wait that doubles up to 5 s. After a 10 s failover the
 * pool's next attempt came up to 5 s after the new primary was ready (db-primary-kill: 4.9 s from "ready to accept
 * connections" to the first acknowledged write). Polling here, the pool has a connection within {@link #INTERVAL} of
 * pgJDBC seeing the new primary. Borrowers still give up after the pool's connection timeout, as before.
 *
 * <p>Only "cannot connect now" is retried: SQL states of class 08 (connection exception: refused, no server of the
 * role) and 57P03 (the server is starting up or shutting down). A wrong password fails at once.
 */
public final class PollingDataSource implements DataSource {

    static final Duration INTERVAL = Duration.ofMillis(100);
    static final Duration PATIENCE = Duration.ofSeconds(10);

    /** Opens one connection: pgJDBC's driver, or a stand-in in tests. */
    @FunctionalInterface
    interface Connector {
        Connection connect(String url, Properties properties) throws SQLException;
    }

    private final String url;
    private final Properties properties;
    private final Connector connector;
    private final LongSupplier nanoTime;
    private volatile int loginTimeoutSeconds = 5;
    private volatile SQLException lastFailure;

    public PollingDataSource(String url, Properties properties) {
        this(url, properties, PollingDataSource::pgjdbc, System::nanoTime);
    }

    PollingDataSource(String url, Properties properties, Connector connector, LongSupplier nanoTime) {
        this.url = requireNonNull(url, "url is null");
        this.properties = new Properties();
        this.properties.putAll(requireNonNull(properties, "properties is null"));
        this.connector = requireNonNull(connector, "connector is null");
        this.nanoTime = requireNonNull(nanoTime, "nanoTime is null");
    }

    private static Connection pgjdbc(String url, Properties properties) throws SQLException {
        Connection connection = new org.postgresql.Driver().connect(url, properties);
        if (connection == null) {
            throw new SQLException("not a PostgreSQL URL: " + url, "08001");
        }
        return connection;
    }

    /** The connection properties (user, timeouts, ...), a copy. */
    public Properties properties() {
        Properties copy = new Properties();
        copy.putAll(properties);
        return copy;
    }

    public String url() {
        return url;
    }

    @Override
    public Connection getConnection() throws SQLException {
        long deadline = nanoTime.getAsLong() + PATIENCE.toNanos();
        while (true) {
            try {
                Connection connection = connector.connect(url, properties);
                lastFailure = null;
                return connection;
            } catch (SQLException e) {
                lastFailure = e;
                if (!cannotConnectNow(e) || nanoTime.getAsLong() - deadline >= 0) {
                    throw e;
                }
            }
            try {
                Thread.sleep(INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while waiting for a database server", "08001", e);
            }
        }
    }

    /**
     * Why the latest attempt failed, while no attempt has succeeded since (null otherwise): a borrower that gave up
     * while this source was still trying learns why from it.
     */
    public SQLException lastFailure() {
        return lastFailure;
    }

    /** Connection exceptions (class 08) and "cannot connect now" (57P03): a server of the role may come soon. */
    static boolean cannotConnectNow(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.equals("57P03"));
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the user is one of the connection properties");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // pgJDBC logs through java.util.logging
    }

    @Override
    public void setLoginTimeout(int seconds) {
        loginTimeoutSeconds = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeoutSeconds;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("not a wrapper for " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }
}
