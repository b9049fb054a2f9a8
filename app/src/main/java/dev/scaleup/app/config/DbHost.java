package dev.scaleup.app.config;

import static java.util.Objects.requireNonNull;

/**
 * One database server address.
 *
 * @param host name or IP address; an IPv6 literal is kept without brackets
 * @param port TCP port, 1..65535
 */
public record DbHost(String host, int port) {

    public DbHost {
        requireNonNull(host, "host is null");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host is blank");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** The form used in a JDBC URL: {@code host:port}, or {@code [v6]:port}. */
    public String toUrlPart() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return toUrlPart();
    }
}
