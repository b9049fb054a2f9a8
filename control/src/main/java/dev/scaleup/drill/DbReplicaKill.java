package dev.scaleup.drill;

import dev.scaleup.loadgen.Report;
import dev.scaleup.ops.OperatorException;
import dev.scaleup.ops.Status;
import dev.scaleup.topology.Host;
import java.time.Duration;
import java.util.List;

/** The database server on a replica dies: reads move to the primary; with client retries every request succeeds. */
final class DbReplicaKill extends FaultScenario {

    DbReplicaKill() {
        super("db-replica-kill", "SIGKILL the database server (postgres user's processes) on a replica", "up",
                "every request succeeds (client retries allowed)");
    }

    @Override
    public int defaultSeconds() {
        return 25;
    }

    @Override
    public Duration healthWait() {
        return DB_HEALTH_WAIT;
    }

    @Override
    Host target(DrillStack stack, Status.Report status) {
        return status.hosts().stream().filter(AppDatabase::isReplica).map(Status.HostStatus::host).findFirst()
                .orElseThrow(() -> new OperatorException("the stack has no database replica to kill"));
    }

    @Override
    String inject(DrillStack stack, Host target) {
        return killDatabase(stack, target);
    }

    @Override
    List<Check> limits(Recovery recovery, Report load) {
        return List.of(Limits.noFailedRequest(load));
    }

    @Override
    public List<String> expectedAlerts() {
        return List.of("DbHostDown");
    }
}
