package dev.scaleup.app.db;

import static java.util.Objects.requireNonNull;

import dev.scaleup.app.db.DbCalls.Target;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Function;

/**
 * Writes that may arrive more than once under one {@code Idempotency-Key} (nginx and HAProxy send a keyed request
 * again to another server when the first copy got no answer; so does a careful client): the first copy writes and
 * stores its answer in {@code idempotency_keys}, every later copy gets that answer and writes nothing.
 *
 * <p>The key's row is claimed ({@code INSERT ... ON CONFLICT DO NOTHING}) before the write, in the write's own
 * transaction, and gets the answer before the commit. So a copy that arrives while the first one still runs waits
 * on the row's primary key until the first commits (then it replays) or rolls back (then it writes); a write that
 * refuses or fails leaves no claim behind. A keyed write is retried by {@link DbCalls} on a broken connection: if the
 * first attempt committed, the retry finds its answer. A write without a key is done once and never retried.
 */
public final class IdempotentWrites {

    /** Whose key it is ({@link #ofUser} or {@link #anonymous}), the key, and the request's {@link RequestHash}. */
    public record Key(String scope, String key, String requestHash) {

        /** The scope of requests without a signed-in caller (sign-ups, visits). */
        static final String ANONYMOUS = "anonymous";

        /** The key of a signed-in user's request: one user's keys never meet another's. */
        static Key ofUser(long userId, String key, String requestHash) {
            return new Key("user:" + userId, key, requestHash);
        }

        static Key anonymous(String key, String requestHash) {
            return new Key(ANONYMOUS, key, requestHash);
        }

        public Key {
            requireNonNull(scope, "scope is null");
            requireNonNull(key, "key is null");
            requireNonNull(requestHash, "requestHash is null");
        }
    }

    /** The HTTP answer to a write, stored with its key: a copy of the request gets exactly this. */
    public record Answer(int status, String body) {

        public Answer {
            requireNonNull(body, "body is null");
        }
    }

    /** What became of a write. */
    public sealed interface Result {
    }

    /** Written now ({@code replay} false), or written before under the same key by the same request. */
    public record Answered(Answer answer, boolean replay) implements Result {
    }

    /** The key was used before in this scope for another request; nothing was written. */
    public record KeyReused() implements Result {
    }

    /** The write refused (the caller knows why); nothing was written or stored. */
    public record Refused() implements Result {
    }

    /** The write on the transaction's connection: empty when it refuses (then everything is rolled back). */
    @FunctionalInterface
    public interface Write<T> {
        Optional<T> run(Connection connection) throws SQLException;
    }

    private final DbCalls db;

    public IdempotentWrites(DbCalls db) {
        this.db = requireNonNull(db, "db is null");
    }

    /** Runs {@code write} in one transaction on the primary, once per key when there is one. */
    public <T> Result run(Optional<Key> key, Write<T> write, Function<T, Answer> answer)
            throws DbUnavailableException, SQLException {
        requireNonNull(key, "key is null");
        requireNonNull(write, "write is null");
        requireNonNull(answer, "answer is null");
        return db.run(Target.PRIMARY, key.isPresent(), connection -> {
            connection.setAutoCommit(false);
            if (key.isPresent() && !claim(connection, key.get())) {
                Result earlier = earlier(connection, key.get());
                connection.rollback();
                return earlier;
            }
            Optional<T> written = write.run(connection);
            if (written.isEmpty()) {
                connection.rollback();
                return new Refused();
            }
            Answer first = answer.apply(written.get());
            if (key.isPresent()) {
                store(connection, key.get(), first);
            }
            connection.commit();
            return new Answered(first, false);
        });
    }

    /** Whether the key is this transaction's now; false when a committed row holds it (waits for a running one). */
    private static boolean claim(Connection connection, Key key) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO idempotency_keys"
                + " (scope, idempotency_key, request_hash) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
            insert.setString(1, key.scope());
            insert.setString(2, key.key());
            insert.setString(3, key.requestHash());
            return insert.executeUpdate() == 1;
        }
    }

    private static Result earlier(Connection connection, Key key) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT request_hash, response_status,"
                + " response_body FROM idempotency_keys WHERE scope = ? AND idempotency_key = ?")) {
            select.setString(1, key.scope());
            select.setString(2, key.key());
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("idempotency key " + key.key() + " of " + key.scope()
                            + " conflicted but is not stored");
                }
                return rs.getString(1).equals(key.requestHash())
                        ? new Answered(new Answer(rs.getInt(2), rs.getString(3)), true) : new KeyReused();
            }
        }
    }

    private static void store(Connection connection, Key key, Answer answer) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE idempotency_keys SET response_status = ?,"
                + " response_body = ? WHERE scope = ? AND idempotency_key = ?")) {
            update.setInt(1, answer.status());
            update.setString(2, answer.body());
            update.setString(3, key.scope());
            update.setString(4, key.key());
            if (update.executeUpdate() != 1) {
                throw new SQLException("the claimed idempotency key " + key.key() + " is gone");
            }
        }
    }
}
