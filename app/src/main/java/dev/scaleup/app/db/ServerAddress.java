package dev.scaleup.app.db;

import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.core.BaseConnection;

/**
 * The address of the database host a connection talks to. PostgreSQL's own answer ({@code inet_server_addr()}) is
 * null when the session came over a Unix socket, which is how PgBouncer, on the same host, reaches it: then the host
 * pgJDBC connected to (PgBouncer's address, the db host's own) says it.
 */
final class ServerAddress {

    private ServerAddress() {}

    /** {@code fromServer} when PostgreSQL gave one, else the host pgJDBC connected to, else null. */
    static String of(Connection connection, String fromServer) {
        if (fromServer != null) {
            return fromServer;
        }
        try {
            if (connection.isWrapperFor(BaseConnection.class)) {
                return connection.unwrap(BaseConnection.class).getQueryExecutor().getHostSpec().getHost();
            }
        } catch (SQLException | RuntimeException e) {
            // not pgJDBC's connection (a test double): no address, as over a socket
        }
        return null;
    }
}
