package dev.scaleup.app.db;

import static java.util.Objects.requireNonNull;

import dev.scaleup.app.db.DbCalls.Target;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Function;

/** The {@code users} table and each user's one account. */
public final class Users {

    /** A user just created with its account. */
    public record Created(long userId, String email, long accountId) {
    }

    /** What a login checks. */
    public record Credentials(long userId, String passwordHash) {
    }

    static final String UNIQUE_VIOLATION = "23505";

    private final DbCalls db;
    private final IdempotentWrites writes;

    public Users(DbCalls db) {
        this.db = requireNonNull(db, "db is null");
        this.writes = new IdempotentWrites(db);
    }

    /**
     * Inserts the user and its account in one transaction on the primary, once per {@code idempotencyKey} when there
     * is one ({@link IdempotentWrites}: the key identifies the request by its email only, the password is stored
     * only as its slow hash); {@link IdempotentWrites.Refused} when the email is taken.
     */
    public IdempotentWrites.Result create(String email, String passwordHash, long startingBalanceCents,
                                          Optional<String> idempotencyKey,
                                          Function<Created, IdempotentWrites.Answer> answer)
            throws DbUnavailableException, SQLException {
        return writes.run(idempotencyKey.map(key -> IdempotentWrites.Key.anonymous(key, RequestHash.of("user", email))),
                connection -> insert(connection, email, passwordHash, startingBalanceCents), answer);
    }

    private static Optional<Created> insert(Connection connection, String email, String passwordHash,
                                            long startingBalanceCents) throws SQLException {
        long userId;
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO users (email, password_hash) VALUES (?, ?) RETURNING id")) {
            insert.setString(1, email);
            insert.setString(2, passwordHash);
            try (ResultSet rs = insert.executeQuery()) {
                rs.next();
                userId = rs.getLong(1);
            }
        } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                return Optional.empty();
            }
            throw e;
        }
        long accountId;
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO accounts (user_id, balance_cents) VALUES (?, ?) RETURNING id")) {
            insert.setLong(1, userId);
            insert.setLong(2, startingBalanceCents);
            try (ResultSet rs = insert.executeQuery()) {
                rs.next();
                accountId = rs.getLong(1);
            }
        }
        return Optional.of(new Created(userId, email, accountId));
    }

    /** The user's id and password hash, read on the primary (a login right after sign-up must find the user). */
    public Optional<Credentials> credentials(String email) throws DbUnavailableException, SQLException {
        return db.run(Target.PRIMARY, true, connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT id, password_hash FROM users WHERE email = ?")) {
                select.setString(1, email);
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next() ? Optional.of(new Credentials(rs.getLong(1), rs.getString(2)))
                            : Optional.empty();
                }
            }
        });
    }
}
