package dev.scaleup.app.db;

import java.sql.Connection;
import java.sql.SQLException;

/** A connection pool as {@link DbCalls} sees it: borrow, and throw away connections that are no longer good. */
public interface Pool {

    /** {@code primary} or {@code replica}. */
    String name();

    /** A connection, waiting at most the pool's connection timeout. */
    Connection connection() throws SQLException;

    /** Closes {@code connection} instead of returning it to the pool (call before closing it). */
    void evict(Connection connection);

    /**
     * Retires every idle connection, so the next borrower gets a new one: after one connection broke, the others
     * probably lead to the same dead or demoted server.
     */
    void evictIdle();
}
