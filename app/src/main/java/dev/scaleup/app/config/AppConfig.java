package dev.scaleup.app.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * The validated configuration of one application server.
 *
 * @param bind         address to listen on
 * @param port         port to listen on; 0 picks a free port (only from code, not from the config file)
 * @param hostName     name reported in {@code X-Served-By-App} and the JSON bodies
 * @param dbHosts      every database server, primary and replicas, in any order
 * @param dbName       database name
 * @param dbUser       database user
 * @param dbPassword   database password; never printed
 * @param drainTimeout the longest wait for in-flight requests at shutdown
 */
public record AppConfig(String bind, int port, String hostName, List<DbHost> dbHosts, String dbName, String dbUser,
                        String dbPassword, Duration drainTimeout) {

    public AppConfig {
        requireNonNull(bind, "bind is null");
        requireNonNull(hostName, "hostName is null");
        requireNonNull(dbHosts, "dbHosts is null");
        requireNonNull(dbName, "dbName is null");
        requireNonNull(dbUser, "dbUser is null");
        requireNonNull(dbPassword, "dbPassword is null");
        requireNonNull(drainTimeout, "drainTimeout is null");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (dbHosts.isEmpty()) {
            throw new IllegalArgumentException("dbHosts is empty");
        }
        if (drainTimeout.isNegative()) {
            throw new IllegalArgumentException("drainTimeout is negative");
        }
        dbHosts = List.copyOf(dbHosts);
    }

    /** A copy listening on another port (tests use 0). */
    public AppConfig withPort(int newPort) {
        return new AppConfig(bind, newPort, hostName, dbHosts, dbName, dbUser, dbPassword, drainTimeout);
    }

    @Override
    public String toString() {
        return "AppConfig[bind=" + bind + ", port=" + port + ", hostName=" + hostName + ", dbHosts=" + dbHosts
                + ", dbName=" + dbName + ", dbUser=" + dbUser + ", dbPassword=***, drainTimeout=" + drainTimeout + "]";
    }
}
