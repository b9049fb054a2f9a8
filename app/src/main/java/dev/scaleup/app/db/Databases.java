package dev.scaleup.app.db;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.scaleup.app.config.AppConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;

/**
 * The two connection pools: {@code primary} for writes and checks, {@code replica} for reads. Both start without a
 * connection, so the application comes up while the database is down, and fail fast when no server answers.
 *
 * <p>Failover: the primary pool's URL lists every database host with {@code targetServerType=primary}, so a new
 * connection finds a promoted replica by itself (pgJDBC re-checks a host's role after {@code hostRecheckSeconds}, 1 s;
 * {@link PollingDataSource} keeps trying meanwhile).
 * Old connections are noticed quickly: a borrowed connection idle for more than half a second is validated, idle
 * ones are kept alive every 30 s, a hung server is cut off by {@code socketTimeout}, and {@link DbCalls} evicts
 * the pool's idle connections on the first connection error.
 */
public final class Databases implements AutoCloseable {

    static final int MAX_POOL_SIZE = 8;
    static final long CONNECTION_TIMEOUT_MS = 2_000;
    static final int CONNECT_TIMEOUT_S = 2;
    static final int SOCKET_TIMEOUT_S = 5;
    static final int LOCK_TIMEOUT_MS = 2_000;

    private final HikariDataSource primary;
    private final HikariDataSource replica;

    private Databases(HikariDataSource primary, HikariDataSource replica) {
        this.primary = requireNonNull(primary, "primary is null");
        this.replica = requireNonNull(replica, "replica is null");
    }

    public static Databases open(AppConfig config, MeterRegistry registry) {
        requireNonNull(config, "config is null");
        requireNonNull(registry, "registry is null");
        HikariConfig primaryConfig = poolConfig("primary", JdbcUrls.primary(config), config);
        primaryConfig.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
        HikariConfig replicaConfig = poolConfig("replica", JdbcUrls.replica(config), config);
        replicaConfig.setReadOnly(true);
        replicaConfig.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
        HikariDataSource primary = new HikariDataSource(primaryConfig);
        try {
            return new Databases(primary, new HikariDataSource(replicaConfig));
        } catch (RuntimeException e) {
            primary.close();
            throw e;
        }
    }

    static HikariConfig poolConfig(String name, String url, AppConfig config) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName(name);
        hikari.setMaximumPoolSize(MAX_POOL_SIZE);
        hikari.setMinimumIdle(2);
        hikari.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
        hikari.setValidationTimeout(1_000);
        hikari.setInitializationFailTimeout(-1);
        hikari.setKeepaliveTime(30_000);
        hikari.setIdleTimeout(60_000);
        hikari.setMaxLifetime(120_000);
        Properties connection = new Properties();
        connection.setProperty("user", config.dbUser());
        connection.setProperty("password", config.dbPassword());
        connection.setProperty("ApplicationName", "app@" + config.hostName());
        connection.setProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT_S));
        connection.setProperty("socketTimeout", String.valueOf(SOCKET_TIMEOUT_S));
        connection.setProperty("loginTimeout", "3");
        connection.setProperty("tcpKeepAlive", "true");
        // a host's role (primary or standby) is looked at again after a second: a promoted standby is found then
        connection.setProperty("hostRecheckSeconds", "1");
        if (config.dbPooled()) {
            // PgBouncer in transaction pooling: each transaction may run on another server connection, so nothing
            // of a session is kept: no named server-side prepared statements, and no startup options (the pooler
            // refuses them; whoever runs it sets the lock timeout on its server connections)
            connection.setProperty("prepareThreshold", "0");
        } else {
            // a transfer waiting for a row lock gives up (SQLState 55P03) well before the request's time budget ends
            connection.setProperty("options", "-c lock_timeout=" + LOCK_TIMEOUT_MS);
        }
        // new connections wait out a failover here, not in HikariCP's growing backoff (PollingDataSource)
        hikari.setDataSource(new PollingDataSource(url, connection));
        return hikari;
    }

    /** The primary pool as {@link DbCalls} uses it. */
    public Pool primaryPool() {
        return new HikariPool(primary);
    }

    /** The replica pool as {@link DbCalls} uses it. */
    public Pool replicaPool() {
        return new HikariPool(replica);
    }

    private record HikariPool(HikariDataSource dataSource) implements Pool {

        @Override
        public String name() {
            return dataSource.getPoolName();
        }

        @Override
        public Connection connection() throws SQLException {
            try {
                return dataSource.getConnection();
            } catch (java.sql.SQLTransientConnectionException e) {
                // the pool timed out while PollingDataSource was still trying: its last failure says why
                SQLException why = dataSource.getDataSource() instanceof PollingDataSource polling
                        ? polling.lastFailure() : null;
                if (e.getCause() == null && why != null) {
                    throw new java.sql.SQLTransientConnectionException(e.getMessage(), e.getSQLState(), why);
                }
                throw e;
            }
        }

        @Override
        public void evict(Connection connection) {
            dataSource.evictConnection(connection);
        }

        @Override
        public void evictIdle() {
            HikariPoolMXBean pool = dataSource.getHikariPoolMXBean();
            if (pool != null) {
                pool.softEvictConnections();
            }
        }
    }

    public DataSource primary() {
        return primary;
    }

    public DataSource replica() {
        return replica;
    }

    /** Closes both pools at once (each may wait for a connection attempt in progress). */
    @Override
    public void close() {
        Thread replicaCloser = Thread.ofVirtual().name("replica-close").start(replica::close);
        try {
            primary.close();
        } finally {
            try {
                replicaCloser.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
