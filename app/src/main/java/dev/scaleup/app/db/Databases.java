package dev.scaleup.app.db;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.scaleup.app.config.AppConfig;
import javax.sql.DataSource;

/**
 * The two connection pools: {@code primary} for writes and checks, {@code replica} for reads. Both start without a
 * connection, so the application comes up while the database is down, and fail fast when no server answers.
 */
public final class Databases implements AutoCloseable {

    static final int MAX_POOL_SIZE = 8;
    static final long CONNECTION_TIMEOUT_MS = 2_000;
    static final int CONNECT_TIMEOUT_S = 2;
    static final int SOCKET_TIMEOUT_S = 5;

    private final HikariDataSource primary;
    private final HikariDataSource replica;

    private Databases(HikariDataSource primary, HikariDataSource replica) {
        this.primary = requireNonNull(primary, "primary is null");
        this.replica = requireNonNull(replica, "replica is null");
    }

    public static Databases open(AppConfig config) {
        requireNonNull(config, "config is null");
        HikariDataSource primary = new HikariDataSource(poolConfig("primary", JdbcUrls.primary(config), config));
        HikariConfig replicaConfig = poolConfig("replica", JdbcUrls.replica(config), config);
        replicaConfig.setReadOnly(true);
        return new Databases(primary, new HikariDataSource(replicaConfig));
    }

    static HikariConfig poolConfig(String name, String url, AppConfig config) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName(name);
        hikari.setJdbcUrl(url);
        hikari.setUsername(config.dbUser());
        hikari.setPassword(config.dbPassword());
        hikari.setMaximumPoolSize(MAX_POOL_SIZE);
        hikari.setMinimumIdle(2);
        hikari.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
        hikari.setValidationTimeout(1_000);
        hikari.setInitializationFailTimeout(-1);
        hikari.setKeepaliveTime(30_000);
        hikari.setIdleTimeout(60_000);
        hikari.setMaxLifetime(120_000);
        hikari.addDataSourceProperty("ApplicationName", "app@" + config.hostName());
        hikari.addDataSourceProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT_S));
        hikari.addDataSourceProperty("socketTimeout", String.valueOf(SOCKET_TIMEOUT_S));
        hikari.addDataSourceProperty("loginTimeout", "3");
        hikari.addDataSourceProperty("tcpKeepAlive", "true");
        hikari.addDataSourceProperty("hostRecheckSeconds", "2");
        return hikari;
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
