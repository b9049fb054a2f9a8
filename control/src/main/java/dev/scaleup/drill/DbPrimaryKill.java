package dev.scaleup.drill;

import java.util.List;

import dev.scaleup.topology.Host;

/** The database server on the primary dies: Patroni promotes the synchronous replica once the leader key expires. */
final class DbPrimaryKill extends PrimaryFailover {

    DbPrimaryKill() {
        super("db-primary-kill", "SIGKILL the database server (postgres user's processes, not etcd) on the primary",
                "up", WRITES_LIMIT);
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
