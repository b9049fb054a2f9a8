package dev.scaleup.topology;

/** The tier a host belongs to, with its block in the address plan (offsets from the subnet's network address). */
public enum Role {
    LB("lb", 10, 9),
    WEB("web", 20, 19),
    APP("app", 40, 39),
    DB("db", 80, 9),
    /** The pgBackRest repository: one host, present only with {@code backup.enabled}. */
    BACKUP("backup", 90, 1),
    /** Prometheus and Alertmanager: one host, present only with {@code monitoring.enabled}. */
    MON("mon", 91, 1);

    private final String prefix;
    private final int firstOffset;
    private final int capacity;

    Role(String prefix, int firstOffset, int capacity) {
        this.prefix = prefix;
        this.firstOffset = firstOffset;
        this.capacity = capacity;
    }

    /** Host name prefix: lb, web, app, db, backup, mon. */
    public String prefix() {
        return prefix;
    }

    /** Offset of host number 1 of this role is firstOffset + 1. */
    public int firstOffset() {
        return firstOffset;
    }

    /** The most hosts of this role the address plan has room for. */
    public int capacity() {
        return capacity;
    }

    public String hostName(int index) {
        return prefix + index;
    }
}
