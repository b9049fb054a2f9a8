package dev.scaleup.drill;

import java.util.List;

import dev.scaleup.topology.Host;

/** The database server on the primary dies: Patroni promotes the synchronous replica once the leader key expires. */
final class DbPrimaryKill extends PrimaryFailover {

    /**
     * 8 s (12 s until 2026-12-04): eleven fresh-clone CI runs of 2026-12-03/04 measured 3.80-5.49 s (the leader key's
     * ttl of 4 s from a renewal 0-1 s before the fault, then the promotion and the app's first write; docs/RELIABILITY.md).
     */
    static final double WRITES_LIMIT_MS = 8_000;

    DbPrimaryKill() {
        super("db-primary-kill", "SIGKILL the database server (postgres user's processes, not etcd) on the primary",
                "up", writesLimit(WRITES_LIMIT_MS));
    }

    @Override
    double writesLimitMs() {
        return WRITES_LIMIT_MS;
    }

    @Override
    public boolean mayMovePrimary() {
        return true;
    }

    @Override
    String inject(DrillStack stack, Host target) {
        return killDatabase(stack, target);
    }

    @Override
    public List<String> expectedAlerts() {
        return List.of("DbHostDown", "PrimaryChanged");
    }
}
