package dev.scaleup.app.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * The validated configuration of one application server.
 *
 * @param bind                 address to listen on
 * @param port                 port to listen on; 0 picks a free port (only from code, not from the config file)
 * @param hostName             name reported in {@code X-Served-By-App} and the JSON bodies
 * @param dbHosts              every database server, primary and replicas, in any order
 * @param dbName               database name
 * @param dbUser               database user
 * @param dbPassword           database password; never printed
 * @param drainTimeout         the longest wait for in-flight requests at shutdown
 * @param tokenKey             the HMAC key of session tokens, at least {@value #MIN_TOKEN_KEY_LENGTH} characters,
 *                             the same on every application server; never printed
 * @param tokenTtl             how long a session token is valid
 * @param passwordIterations   PBKDF2 iterations for new password hashes
 * @param startingBalanceCents the balance of a new user's account
 * @param dbPooled             the db hosts are PgBouncers in transaction pooling: a server connection serves one
 *                             transaction, so no session state (no server-side prepared statements, no startup
 *                             options: the lock timeout is then the pooler's to set on its server connections)
 */
public record AppConfig(String bind, int port, String hostName, List<DbHost> dbHosts, String dbName, String dbUser,
                        String dbPassword, Duration drainTimeout, String tokenKey, Duration tokenTtl,
                        int passwordIterations, long startingBalanceCents, boolean dbPooled) {

    public static final int MIN_TOKEN_KEY_LENGTH = 32;
    public static final int MIN_PASSWORD_ITERATIONS = 1_000;
    public static final int MAX_PASSWORD_ITERATIONS = 10_000_000;
    public static final long MAX_STARTING_BALANCE_CENTS = 1_000_000_000_000L;

    public AppConfig {
        requireNonNull(bind, "bind is null");
        requireNonNull(hostName, "hostName is null");
        requireNonNull(dbHosts, "dbHosts is null");
        requireNonNull(dbName, "dbName is null");
        requireNonNull(dbUser, "dbUser is null");
        requireNonNull(dbPassword, "dbPassword is null");
        requireNonNull(drainTimeout, "drainTimeout is null");
        requireNonNull(tokenKey, "tokenKey is null");
        requireNonNull(tokenTtl, "tokenTtl is null");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (dbHosts.isEmpty()) {
            throw new IllegalArgumentException("dbHosts is empty");
        }
        if (drainTimeout.isNegative()) {
            throw new IllegalArgumentException("drainTimeout is negative");
        }
        if (tokenKey.length() < MIN_TOKEN_KEY_LENGTH) {
            throw new IllegalArgumentException("tokenKey is shorter than " + MIN_TOKEN_KEY_LENGTH + " characters");
        }
        if (tokenTtl.isNegative() || tokenTtl.isZero()) {
            throw new IllegalArgumentException("tokenTtl is not positive");
        }
        if (passwordIterations < MIN_PASSWORD_ITERATIONS || passwordIterations > MAX_PASSWORD_ITERATIONS) {
            throw new IllegalArgumentException("passwordIterations out of range: " + passwordIterations);
        }
        if (startingBalanceCents < 0 || startingBalanceCents > MAX_STARTING_BALANCE_CENTS) {
            throw new IllegalArgumentException("startingBalanceCents out of range: " + startingBalanceCents);
        }
        dbHosts = List.copyOf(dbHosts);
    }

    /** Without a pooler in front of the database servers. */
    public AppConfig(String bind, int port, String hostName, List<DbHost> dbHosts, String dbName, String dbUser,
                     String dbPassword, Duration drainTimeout, String tokenKey, Duration tokenTtl,
                     int passwordIterations, long startingBalanceCents) {
        this(bind, port, hostName, dbHosts, dbName, dbUser, dbPassword, drainTimeout, tokenKey, tokenTtl,
                passwordIterations, startingBalanceCents, false);
    }

    /** A copy listening on another port (tests use 0). */
    public AppConfig withPort(int newPort) {
        return new AppConfig(bind, newPort, hostName, dbHosts, dbName, dbUser, dbPassword, drainTimeout, tokenKey,
                tokenTtl, passwordIterations, startingBalanceCents, dbPooled);
    }

    /** A copy reporting another host name (tests run several servers in one JVM). */
    public AppConfig withHostName(String newHostName) {
        return new AppConfig(bind, port, newHostName, dbHosts, dbName, dbUser, dbPassword, drainTimeout, tokenKey,
                tokenTtl, passwordIterations, startingBalanceCents, dbPooled);
    }

    @Override
    public String toString() {
        return "AppConfig[bind=" + bind + ", port=" + port + ", hostName=" + hostName + ", dbHosts=" + dbHosts
                + ", dbName=" + dbName + ", dbUser=" + dbUser + ", dbPassword=***, drainTimeout=" + drainTimeout
                + ", tokenKey=***, tokenTtl=" + tokenTtl + ", passwordIterations=" + passwordIterations
                + ", startingBalanceCents=" + startingBalanceCents + ", dbPooled=" + dbPooled + "]";
    }
}
