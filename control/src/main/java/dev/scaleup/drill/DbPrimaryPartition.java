package dev.scaleup.drill;

import dev.scaleup.loadgen.Report;
import dev.scaleup.topology.Host;
import java.util.List;

/**
 * The primary is cut off but keeps running: Patroni promotes the replica, and when the link returns the old primary
 * must rejoin as a replica (pg_rewind), not serve as a second primary.
 */
final class DbPrimaryPartition extends PrimaryFailover {

    DbPrimaryPartition() {
        super("db-primary-partition", "take the primary's link down", "link up",
                WRITES_LIMIT + "; the old primary rejoins as a replica");
    }

    @Override
    public boolean mayMovePrimary() {
        return true;
    }

    @Override
    String inject(DrillStack stack, Host target) {
        return stack.faults().linkDown(target);
    }

    @Override
    String restore(DrillStack stack, Host target) {
        return stack.faults().linkUp(target);
    }

    @Override
    List<Check> limits(Recovery recovery, Report load) {
        return List.of(writesResume(recovery), Check.isTrue("old primary rejoined as a replica",
                Boolean.TRUE.equals(recovery.oldPrimaryRejoined()), "yes, within the bounded wait"));
    }

    @Override
    public List<String> expectedAlerts() {
        return List.of("DbHostDown", "PrimaryChanged");
    }
}
