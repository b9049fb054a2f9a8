package dev.scaleup.app.db;

import static java.util.Objects.requireNonNull;

import dev.scaleup.app.db.DbCalls.Target;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** The {@code posts} table: written on the primary, read where the caller says (a replica, unless fresh). */
public final class Posts {

    public record Post(long postId, long userId, String title, String body, OffsetDateTime createdAt) {
    }

    static final String FOREIGN_KEY_VIOLATION = "23503";
    private static final String COLUMNS = "id, user_id, title, body, created_at";

    private final DbCalls db;
    private final IdempotentWrites writes;

    public Posts(DbCalls db) {
        this.db = requireNonNull(db, "db is null");
        this.writes = new IdempotentWrites(db);
    }

    /**
     * Inserts a post, once per {@code idempotencyKey} of the user when there is one ({@link IdempotentWrites});
     * {@link IdempotentWrites.Refused} when the user does not exist (a token outliving its user).
     */
    public IdempotentWrites.Result create(long userId, String title, String body, Optional<String> idempotencyKey,
                                          Function<Post, IdempotentWrites.Answer> answer)
            throws DbUnavailableException, SQLException {
        return writes.run(idempotencyKey.map(key -> IdempotentWrites.Key.ofUser(userId, key,
                RequestHash.of("post", title, body))), connection -> insert(connection, userId, title, body), answer);
    }

    private static Optional<Post> insert(Connection connection, long userId, String title, String body)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO posts (user_id, title, body) VALUES (?, ?, ?) RETURNING " + COLUMNS)) {
            insert.setLong(1, userId);
            insert.setString(2, title);
            insert.setString(3, body);
            try (ResultSet rs = insert.executeQuery()) {
                rs.next();
                return Optional.of(post(rs));
            }
        } catch (SQLException e) {
            if (FOREIGN_KEY_VIOLATION.equals(e.getSQLState())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Newest first, ids below {@code beforeId}. */
    public List<Post> list(Target target, long beforeId, int limit) throws DbUnavailableException, SQLException {
        return db.run(target, true, connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM posts WHERE id < ? ORDER BY id DESC LIMIT ?")) {
                select.setLong(1, beforeId);
                select.setInt(2, limit);
                List<Post> posts = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        posts.add(post(rs));
                    }
                }
                return posts;
            }
        });
    }

    public Optional<Post> find(Target target, long id) throws DbUnavailableException, SQLException {
        return db.run(target, true, connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM posts WHERE id = ?")) {
                select.setLong(1, id);
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next() ? Optional.of(post(rs)) : Optional.empty();
                }
            }
        });
    }

    private static Post post(ResultSet rs) throws SQLException {
        return new Post(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                rs.getObject(5, OffsetDateTime.class));
    }
}
