package dev.scaleup.drill;

import java.util.List;

import dev.scaleup.topology.Host;

/** The synchronous standby hangs: every process of the postgres user stopped (SIGSTOP), its connections open. */
final class DbStandbyFreeze extends SyncStandbyFault {

    DbStandbyFreeze() {
        super("db-standby-freeze", "SIGSTOP the postgres user's processes (Patroni, PostgreSQL) on the synchronous standby",
                "SIGCONT");
    }

    @Override
    String breakStandby(DrillStack stack, Host standby, Host primary) {
        return stack.faults().freeze(standby, "postgres");
    }

    @Override
    String mendStandby(DrillStack stack, Host standby) {
        return stack.faults().thaw(standby, "postgres");
    }

    @Override
    public List<String> expectedAlerts() {
        return List.of("DbHostDown");
    }
}
