package dev.scaleup.drill;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The failures a drill can inject, each with how it is restored and what the stack must achieve meanwhile. */
public enum Scenario {
    LB_KILL("lb-kill", "SIGKILL every process (haproxy and keepalived) on the VIP holder", "up",
            "longest outage < 3 s"),
    LB_PARTITION("lb-partition", "take the VIP holder's link down (ip link set eth0 down)", "link up",
            "longest outage < 3 s; exactly one VIP holder after the link returns"),
    HAPROXY_CRASH("haproxy-crash", "SIGKILL haproxy (master and workers) on the VIP holder", "up",
            "longest outage < 3 s"),
    WEB_KILL("web-kill", "SIGKILL nginx (master and workers) on web1", "up",
            "every request succeeds (client retries allowed) and no 5xx reaches the client"),
    APP_KILL("app-kill", "SIGKILL the app JVM on app1", "up",
            "every idempotent request succeeds and none gets a 5xx"),
    DB_REPLICA_KILL("db-replica-kill", "SIGKILL the database server (postgres user's processes) on a replica", "up",
            "every request succeeds (client retries allowed)"),
    DB_PRIMARY_KILL("db-primary-kill", "SIGKILL the database server (postgres user's processes, not etcd) on the primary",
            "up", "writes resume < 30 s"),
    DB_PRIMARY_PARTITION("db-primary-partition", "take the primary's link down", "link up",
            "writes resume < 30 s; the old primary rejoins as a replica");

    /** The longest outage the load balancer scenarios allow. */
    public static final double OUTAGE_LIMIT_MS = 3000;
    /** The longest time without an acknowledged write the primary scenarios allow. */
    public static final double WRITES_LIMIT_MS = 30_000;

    private final String label;
    private final String fault;
    private final String restore;
    private final String limit;

    Scenario(String label, String fault, String restore, String limit) {
        this.label = label;
        this.fault = fault;
        this.restore = restore;
        this.limit = limit;
    }

    public String label() {
        return label;
    }

    public String fault() {
        return fault;
    }

    /** "up" (scaleup up brings back what is missing) or "link up". */
    public String restore() {
        return restore;
    }

    public String limit() {
        return limit;
    }

    public boolean db() {
        return this == DB_REPLICA_KILL || this == DB_PRIMARY_KILL || this == DB_PRIMARY_PARTITION;
    }

    /** The primary scenarios: restore waits until writes resumed (or their limit passed), to measure failover. */
    public boolean failover() {
        return this == DB_PRIMARY_KILL || this == DB_PRIMARY_PARTITION;
    }

    /** Default run length in seconds: fault at a quarter, restore at 60 % (primary scenarios: once writes resume). */
    public int defaultSeconds() {
        return failover() ? 40 : db() ? 25 : 20;
    }

    public static Optional<Scenario> byLabel(String label) {
        return Arrays.stream(values()).filter(s -> s.label.equals(label)).findFirst();
    }

    public static List<String> labels() {
        return Arrays.stream(values()).map(Scenario::label).toList();
    }
}
