package dev.scaleup.loadgen;

/** Why an attempt got no HTTP answer. Every kind is worth a retry: the request may reach a healthy server next time. */
public enum ErrorKind {
    /** Nothing listens (the process is dead, or the address moved away). */
    CONNECTION_REFUSED("connection_refused"),
    /** The peer aborted the connection (RST, broken pipe). */
    CONNECTION_RESET("connection_reset"),
    /** The peer closed the connection before a whole response arrived (EOF). */
    CONNECTION_CLOSED("connection_closed"),
    /** No TCP connection within the connect timeout (a black hole, a dead link). */
    CONNECT_TIMEOUT("connect_timeout"),
    /** Connected, but no whole response within the request timeout. */
    TIMEOUT("timeout"),
    /** The kernel has no route (or no neighbour) for the address. */
    NO_ROUTE("no_route"),
    /** Any other I/O failure. */
    IO_ERROR("io_error");

    private final String label;

    ErrorKind(String label) {
        this.label = label;
    }

    /** The name used in reports: connection_refused, timeout, … */
    public String label() {
        return label;
    }
}
