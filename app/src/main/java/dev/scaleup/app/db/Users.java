package dev.scaleup.app.db;

import static java.util.Objects.requireNonNull;

import dev.scaleup.app.db.DbCalls.Target;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** The {@code users} table and each user's one account. */
public final class Users {

    /** A user just created with its account. */
    public record Created(long userId, String email, long accountId) {
    }

    /** What a login checks. */
    public record Credentials(long userId, String passwordHash) {
    }

    /** The email is taken (unique violation on {@code users.email}). */
    public static final class EmailTakenException extends Exception {

        public EmailTakenException() {
            super("email taken", null, false, false);
        }
    }

    static final String UNIQUE_VIOLATION = "23505";

    private final DbCalls db;

    public Users(DbCalls db) {
        this.db = requireNonNull(db, "db is null");
    }

    /** Inserts the user and its account in one transaction on the primary; never retried (no idempotency key). */
    public Created create(String email, String passwordHash, long startingBalanceCents)
            throws DbUnavailableException, SQLException, EmailTakenException {
        Optional<Created> created = db.run(Target.PRIMARY, false, connection -> {
            connection.setAutoCommit(false);
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
                    connection.rollback();
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
            connection.commit();
            return Optional.of(new Created(userId, email, accountId));
        });
        return created.orElseThrow(EmailTakenException::new);
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
