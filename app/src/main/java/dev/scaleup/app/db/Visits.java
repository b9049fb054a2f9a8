package dev.scaleup.app.db;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Optional;
import javax.sql.DataSource;

/** The {@code visits} table: written on the primary, read from a replica. */
public final class Visits {

    /** A row just written, and the address of the server that wrote it. */
    public record Created(long id, String appHost, String dbServerAddr) {
    }

    /** A row as read, and which server it was read from. */
    public record Found(long id, String appHost, OffsetDateTime createdAt, String dbServerAddr, boolean inRecovery) {
    }

    private final DataSource primary;
    private final DataSource replica;

    public Visits(DataSource primary, DataSource replica) {
        this.primary = requireNonNull(primary, "primary is null");
        this.replica = requireNonNull(replica, "replica is null");
    }

    public Created insert(String appHost) throws SQLException {
        requireNonNull(appHost, "appHost is null");
        try (Connection connection = primary.getConnection();
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO visits (app_host) VALUES (?) RETURNING id, host(inet_server_addr())")) {
            insert.setString(1, appHost);
            try (ResultSet rs = insert.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("insert returned no row");
                }
                return new Created(rs.getLong(1), appHost, rs.getString(2));
            }
        }
    }

    public Optional<Found> find(long id) throws SQLException {
        try (Connection connection = replica.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT id, app_host, created_at, host(inet_server_addr()), pg_is_in_recovery()"
                             + " FROM visits WHERE id = ?")) {
            select.setLong(1, id);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Found(rs.getLong(1), rs.getString(2),
                        rs.getObject(3, OffsetDateTime.class), rs.getString(4), rs.getBoolean(5)));
            }
        }
    }
}
