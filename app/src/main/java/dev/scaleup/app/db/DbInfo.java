package dev.scaleup.app.db;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;

/**
 * What one round trip to a database server says about it.
 *
 * @param serverAddr the db host's address: PostgreSQL's ({@code host(inet_server_addr())}), or with PgBouncer in
 *                   between (which reaches PostgreSQL over its socket) the address pgJDBC connected to
 * @param now        the server's clock
 * @param inRecovery whether the server is a standby
 */
public record DbInfo(String serverAddr, OffsetDateTime now, boolean inRecovery) {

    public DbInfo {
        requireNonNull(now, "now is null");
    }

    /** Asks the server at the other end of {@code connection}. */
    public static DbInfo query(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(
                     "SELECT host(inet_server_addr()), now(), pg_is_in_recovery()")) {
            if (!rs.next()) {
                throw new SQLException("no row from server info query");
            }
            return new DbInfo(ServerAddress.of(connection, rs.getString(1)), rs.getObject(2, OffsetDateTime.class),
                    rs.getBoolean(3));
        }
    }
}
