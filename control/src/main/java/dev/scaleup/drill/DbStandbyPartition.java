package dev.scaleup.drill;

import dev.scaleup.topology.Host;

/**
 * The synchronous standby's packets to the primary are lost (one direction only, established connections
 * included): it still hears the primary and etcd, but the primary never hears its acknowledgements.
 */
final class DbStandbyPartition extends SyncStandbyFault {

    DbStandbyPartition() {
        super("db-standby-partition", "drop every packet from the synchronous standby to the primary (nftables)",
                "the rule removed");
    }

    @Override
    String breakStandby(DrillStack stack, Host standby, Host primary) {
        return stack.faults().dropTraffic(standby, primary);
    }

    @Override
    String mendStandby(DrillStack stack, Host standby) {
        return stack.faults().restoreTraffic(standby);
    }
}
