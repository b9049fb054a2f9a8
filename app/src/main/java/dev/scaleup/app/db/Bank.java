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

/**
 * Accounts and transfers. Every transfer is one transaction on the primary that locks both account rows with
 * {@code SELECT ... ORDER BY id FOR UPDATE} (PostgreSQL locks the rows in the sorted order, so two transfers
 * between the same accounts in opposite directions cannot deadlock), never lets a balance go negative, and is
 * stored under the sender's idempotency key.
 */
public final class Bank {

    /** An account as its owner sees it. */
    public record Account(long accountId, long balanceCents) {
    }

    /** A stored transfer, with the sender's balance right after it. */
    public record Transfer(long transferId, long fromAccount, long toAccount, long amountCents,
                           long fromBalanceAfterCents, OffsetDateTime createdAt, String idempotencyKey) {
    }

    /** A transfer in a listing, from the point of view of the account listed. */
    public record Listed(long transferId, long fromAccount, long toAccount, long amountCents,
                         OffsetDateTime createdAt, boolean sent) {
    }

    /** What became of a transfer request. */
    public sealed interface Outcome {
    }

    /** Stored now ({@code replay} false), or found stored under the same key with the same request. */
    public record Done(Transfer transfer, boolean replay) implements Outcome {
    }

    /** The user has no account. */
    public record NoAccount() implements Outcome {
    }

    public record ToSelf() implements Outcome {
    }

    public record UnknownRecipient(long account) implements Outcome {
    }

    public record InsufficientFunds(long balanceCents, long amountCents) implements Outcome {
    }

    /** The key was used before by this sender for another recipient or amount. */
    public record KeyReused(Transfer first) implements Outcome {
    }

    /** The recipient's balance would overflow a bigint. */
    public record RecipientBalanceTooLarge() implements Outcome {
    }

    static final String UNIQUE_VIOLATION = "23505";
    static final String NUMERIC_OUT_OF_RANGE = "22003";

    private static final String TRANSFER_COLUMNS = "id, from_account, to_account, amount_cents,"
            + " from_balance_after_cents, created_at, idempotency_key, request_hash";

    private final DbCalls db;

    public Bank(DbCalls db) {
        this.db = requireNonNull(db, "db is null");
    }

    /** The user's account, read on the primary. */
    public Optional<Account> accountOf(long userId) throws DbUnavailableException, SQLException {
        return db.run(Target.PRIMARY, true, connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT id, balance_cents FROM accounts WHERE user_id = ?")) {
                select.setLong(1, userId);
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next() ? Optional.of(new Account(rs.getLong(1), rs.getLong(2))) : Optional.empty();
                }
            }
        });
    }

    /**
     * Moves {@code amountCents} from the user's account to {@code toAccount}, once per {@code idempotencyKey}.
     * Retried once on a broken connection: the key makes a second run find the first one's result.
     */
    public Outcome transfer(long userId, long toAccount, long amountCents, String idempotencyKey)
            throws DbUnavailableException, SQLException {
        String requestHash = requestHash(toAccount, amountCents);
        return db.run(Target.PRIMARY, true,
                connection -> transfer(connection, userId, toAccount, amountCents, idempotencyKey, requestHash));
    }

    private static Outcome transfer(Connection connection, long userId, long toAccount, long amountCents,
                                    String key, String requestHash) throws SQLException {
        connection.setAutoCommit(false);
        long fromAccount;
        Optional<StoredTransfer> earlier;
        try (PreparedStatement select = connection.prepareStatement("SELECT a.id, t." + TRANSFER_COLUMNS.replace(
                ", ", ", t.") + " FROM accounts a LEFT JOIN transfers t ON t.from_account = a.id"
                + " AND t.idempotency_key = ? WHERE a.user_id = ?")) {
            select.setString(1, key);
            select.setLong(2, userId);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    connection.rollback();
                    return new NoAccount();
                }
                fromAccount = rs.getLong(1);
                earlier = rs.getObject(2) == null ? Optional.empty() : Optional.of(stored(rs, 2));
            }
        }
        if (earlier.isPresent()) {
            connection.rollback();
            return replay(earlier.get(), requestHash);
        }
        if (toAccount == fromAccount) {
            connection.rollback();
            return new ToSelf();
        }
        long fromBalance = -1;
        boolean recipientFound = false;
        try (PreparedStatement lock = connection.prepareStatement(
                "SELECT id, balance_cents FROM accounts WHERE id IN (?, ?) ORDER BY id FOR UPDATE")) {
            lock.setLong(1, fromAccount);
            lock.setLong(2, toAccount);
            try (ResultSet rs = lock.executeQuery()) {
                while (rs.next()) {
                    if (rs.getLong(1) == fromAccount) {
                        fromBalance = rs.getLong(2);
                    } else {
                        recipientFound = true;
                    }
                }
            }
        }
        // a request with the same key may have committed while this one waited for the locks
        earlier = findByKey(connection, fromAccount, key);
        if (earlier.isPresent()) {
            connection.rollback();
            return replay(earlier.get(), requestHash);
        }
        if (!recipientFound) {
            connection.rollback();
            return new UnknownRecipient(toAccount);
        }
        if (fromBalance < amountCents) {
            connection.rollback();
            return new InsufficientFunds(fromBalance, amountCents);
        }
        // debit, credit and record in one statement; the unique key (from_account, idempotency_key) is the last guard
        try (PreparedStatement move = connection.prepareStatement(
                "WITH moved AS (UPDATE accounts SET balance_cents = balance_cents + CASE WHEN id = ? THEN -? ELSE ? END"
                        + " WHERE id IN (?, ?) RETURNING id, balance_cents)"
                        + " INSERT INTO transfers (from_account, to_account, amount_cents, idempotency_key,"
                        + " request_hash, from_balance_after_cents)"
                        + " SELECT ?, ?, ?, ?, ?, balance_cents FROM moved WHERE id = ?"
                        + " RETURNING id, created_at, from_balance_after_cents")) {
            move.setLong(1, fromAccount);
            move.setLong(2, amountCents);
            move.setLong(3, amountCents);
            move.setLong(4, fromAccount);
            move.setLong(5, toAccount);
            move.setLong(6, fromAccount);
            move.setLong(7, toAccount);
            move.setLong(8, amountCents);
            move.setString(9, key);
            move.setString(10, requestHash);
            move.setLong(11, fromAccount);
            Transfer transfer;
            try (ResultSet rs = move.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("transfer insert returned no row");
                }
                transfer = new Transfer(rs.getLong(1), fromAccount, toAccount, amountCents, rs.getLong(3),
                        rs.getObject(2, OffsetDateTime.class), key);
            }
            connection.commit();
            return new Done(transfer, false);
        } catch (SQLException e) {
            if (NUMERIC_OUT_OF_RANGE.equals(e.getSQLState())) {
                connection.rollback();
                return new RecipientBalanceTooLarge();
            }
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw e;
            }
            // undo this run and answer with the stored one
            connection.rollback();
            StoredTransfer stored = findByKey(connection, fromAccount, key).orElseThrow(() -> e);
            connection.rollback();
            return replay(stored, requestHash);
        }
    }

    private record StoredTransfer(Transfer transfer, String requestHash) {
    }

    private static Outcome replay(StoredTransfer stored, String requestHash) {
        return stored.requestHash().equals(requestHash) ? new Done(stored.transfer(), true)
                : new KeyReused(stored.transfer());
    }

    private static Optional<StoredTransfer> findByKey(Connection connection, long fromAccount, String key)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + TRANSFER_COLUMNS
                + " FROM transfers WHERE from_account = ? AND idempotency_key = ?")) {
            select.setLong(1, fromAccount);
            select.setString(2, key);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(stored(rs, 1)) : Optional.empty();
            }
        }
    }

    private static StoredTransfer stored(ResultSet rs, int first) throws SQLException {
        return new StoredTransfer(new Transfer(rs.getLong(first), rs.getLong(first + 1), rs.getLong(first + 2),
                rs.getLong(first + 3), rs.getLong(first + 4), rs.getObject(first + 5, OffsetDateTime.class),
                rs.getString(first + 6)), rs.getString(first + 7));
    }

    /** The user's transfers, sent or received, newest first, with ids below {@code beforeId}. */
    public List<Listed> transfersOf(long userId, long beforeId, int limit) throws DbUnavailableException,
            SQLException {
        return db.run(Target.PRIMARY, true, connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "WITH me AS (SELECT id FROM accounts WHERE user_id = ?)"
                            + " SELECT t.id, t.from_account, t.to_account, t.amount_cents, t.created_at,"
                            + " t.from_account = me.id FROM me, LATERAL ("
                            + " (SELECT * FROM transfers WHERE from_account = me.id AND id < ? ORDER BY id DESC"
                            + " LIMIT ?) UNION ALL"
                            + " (SELECT * FROM transfers WHERE to_account = me.id AND id < ? ORDER BY id DESC"
                            + " LIMIT ?)) t ORDER BY t.id DESC LIMIT ?")) {
                select.setLong(1, userId);
                select.setLong(2, beforeId);
                select.setInt(3, limit);
                select.setLong(4, beforeId);
                select.setInt(5, limit);
                select.setInt(6, limit);
                List<Listed> listed = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        listed.add(new Listed(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4),
                                rs.getObject(5, OffsetDateTime.class), rs.getBoolean(6)));
                    }
                }
                return listed;
            }
        });
    }

    /** What identifies a transfer request apart from its key: recipient and amount. */
    static String requestHash(long toAccount, long amountCents) {
        return RequestHash.sha256Hex("to=" + toAccount + ";amount_cents=" + amountCents);
    }
}
