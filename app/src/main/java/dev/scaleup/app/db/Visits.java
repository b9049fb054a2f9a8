package dev.scaleup.app.db;

import static java.util.Objects.requireNonNull;

import dev.scaleup.app.db.DbCalls.Target;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@code visits} table: written on the primary, always read from a replica (when one is up), even right after
 * the caller's own write: it is the demonstration of replication, so it ignores the read-your-writes cookie.
 */
public final class Visits {

    /** A row just written, and the address of the server that wrote it. */
    public record Created(long id, String appHost, String dbServerAddr) {
    }

    /** A row as read, and which server it was read from. */
    public record Found(long id, String appHost, OffsetDateTime createdAt, String dbServerAddr, boolean inRecovery) {
    }

    private final DbCalls db;
    private final IdempotentWrites writes;

    public Visits(DbCalls db) {
        this.db = requireNonNull(db, "db is null");
        this.writes = new IdempotentWrites(db);
    }

    /** Inserts a visit, once per {@code idempotencyKey} when there is one ({@link IdempotentWrites}). */
    public IdempotentWrites.Result insert(String appHost, Optional<String> idempotencyKey,
                                          Function<Created, IdempotentWrites.Answer> answer)
            throws DbUnavailableException, SQLException {
        requireNonNull(appHost, "appHost is null");
        return writes.run(idempotencyKey.map(key -> IdempotentWrites.Key.anonymous(key, RequestHash.of("visit"))),
                connection -> Optional.of(insert(connection, appHost)), answer);
    }

    private static Created insert(Connection connection, String appHost) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO visits (app_host) VALUES (?) RETURNING id, host(inet_server_addr())")) {
            insert.setString(1, appHost);
            try (ResultSet rs = insert.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("insert returned no row");
                }
                return new Created(rs.getLong(1), appHost, ServerAddress.of(connection, rs.getString(2)));
            }
        }
    }

    public Optional<Found> find(long id) throws DbUnavailableException, SQLException {
        return db.run(Target.REPLICA, true, connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT id, app_host, created_at, host(inet_server_addr()), pg_is_in_recovery()"
                            + " FROM visits WHERE id = ?")) {
                select.setLong(1, id);
                try (ResultSet rs = select.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new Found(rs.getLong(1), rs.getString(2),
                            rs.getObject(3, OffsetDateTime.class), ServerAddress.of(connection, rs.getString(4)),
                            rs.getBoolean(5)));
                }
            }
        });
    }
}
