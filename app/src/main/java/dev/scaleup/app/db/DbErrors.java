package dev.scaleup.app.db;

import java.sql.SQLException;

/** Short, single-line descriptions of database failures, for logs and error bodies. */
public final class DbErrors {

    private static final int MAX_LENGTH = 300;

    private DbErrors() {
    }

    /** The innermost useful message of {@code e}, with the SQL state when there is one. */
    public static String describe(Throwable e) {
        Throwable root = e;
        SQLException sql = null;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            root = t;
            if (t instanceof SQLException s) {
                sql = s;
            }
        }
        Throwable chosen = sql != null ? sql : root;
        String message = chosen.getMessage() == null ? chosen.getClass().getSimpleName() : chosen.getMessage();
        if (sql != null && sql.getSQLState() != null) {
            message = message + " [" + sql.getSQLState() + "]";
        }
        message = message.replaceAll("\\s+", " ").strip();
        return message.length() > MAX_LENGTH ? message.substring(0, MAX_LENGTH) + "..." : message;
    }
}
