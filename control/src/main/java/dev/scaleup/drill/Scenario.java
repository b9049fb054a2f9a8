package dev.scaleup.drill;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The failures a drill can inject, each with how it is restored and what the stack must achieve meanwhile; and the
 * operations (scale, deploy, restart) a drill runs under load the same way, the operation standing for the fault.
 */
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
            "writes resume < 30 s; the old primary rejoins as a replica"),
    SCALE_OUT("scale-out", "scaleup scale web+1 app+1", "scale back to the original counts",
            "no failed request, no 5xx, no client retry"),
    SCALE_IN("scale-in", "scaleup scale web-1 app-1 (needs web >= 2 and app >= 2)", "scale back out",
            "no failed request, no 5xx, no client retry"),
    DEPLOY("deploy", "scaleup deploy app of a new build (the current app.jar with a VERSION entry added)", "none",
            "no failed request, no 5xx, no client retry"),
    DEPLOY_BAD_ARTIFACT("deploy-bad-artifact", "scaleup deploy app of a build whose app.jar is corrupt", "none",
            "no failed request, no 5xx, no client retry; the deploy fails and every app host runs the previous build"),
    RESTART_LB("restart-lb", "scaleup restart lb", "none", "no failed request, no 5xx, no client retry"),
    RESTART_WEB("restart-web", "scaleup restart web", "none", "no failed request, no 5xx, no client retry"),
    RESTART_DB("restart-db", "scaleup restart db (replicas, switchover, old primary)", "none",
            "every request succeeds (client retries allowed); never > 10 s without an acknowledged write after the "
                    + "operation began");

    /** The longest outage the load balancer scenarios allow. */
    public static final double OUTAGE_LIMIT_MS = 3000;
    /** The longest time without an acknowledged write the primary scenarios allow. */
    public static final double WRITES_LIMIT_MS = 30_000;
    /** The longest time without an acknowledged write restart-db allows (from the start of the operation). */
    public static final double WRITE_GAP_LIMIT_MS = 10_000;

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

    /** "up" (scaleup up brings back what is missing), "link up", or what undoes an operation ("none"). */
    public String restore() {
        return restore;
    }

    public String limit() {
        return limit;
    }

    public boolean db() {
        return this == DB_REPLICA_KILL || this == DB_PRIMARY_KILL || this == DB_PRIMARY_PARTITION;
    }

    /** The operation scenarios: the "fault" is a scaleup operation run under load. */
    public boolean operation() {
        return ordinal() >= SCALE_OUT.ordinal();
    }

    /** The failure scenarios (what `drill faults` runs). */
    public static List<Scenario> failures() {
        return Arrays.stream(values()).filter(s -> !s.operation()).toList();
    }

    /** The operation scenarios (what `drill ops` runs). */
    public static List<Scenario> operations() {
        return Arrays.stream(values()).filter(Scenario::operation).toList();
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
