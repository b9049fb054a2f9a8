package dev.scaleup.drill;

import dev.scaleup.loadgen.Report;
import dev.scaleup.ops.Deployment;
import dev.scaleup.ops.Status;
import dev.scaleup.render.PgBouncerConfig;
import dev.scaleup.topology.Host;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * PgBouncer dies on the primary (with {@code db.pooler}): the app servers reach PostgreSQL only through it, so writes
 * stop until it runs again. Its supervisor must start it again by itself, long before the drill's {@code up}: on netns
 * its keeper ({@code ops.PoolerKeeper}), on servers systemd ({@code Restart=on-failure}). Nothing fails over: the
 * primary stays the primary.
 */
final class PoolerCrash extends FaultScenario {

    /**
     * The supervisor waits 1 s before it starts PgBouncer again, PgBouncer listens within 0.1 s, and the app's pool
     * notices the dropped connections at its next use. Writes resumed 1.17-1.39 s after the fault on netns and 1.47 s on
     * the servers (2026-12-03, local runs and a fresh-clone CI run); 1.16-1.97 s in eleven fresh-clone CI runs of
     * 2026-12-03/04 (both targets). The limit is 3 s (5 s until 2026-12-04). The restore (up) comes later than this
     * limit, so a pass means the supervisor did it.
     */
    static final double WRITES_LIMIT_MS = 3_000;

    PoolerCrash() {
        super("pooler-crash", "SIGKILL PgBouncer on the primary (db.pooler)",
                "its keeper (netns) or systemd (servers) starts it again; then up",
                String.format(Locale.ROOT, "writes resume < %.0f s, before the restore; the primary stays",
                        WRITES_LIMIT_MS / 1000));
    }

    @Override
    public Optional<String> unavailable(Deployment deployment) {
        return deployment.topology().db().pooler() ? Optional.empty()
                : Optional.of("there is no PgBouncer: db.pooler is false (the app servers connect to PostgreSQL itself)");
    }

    @Override
    Host target(DrillStack stack, Status.Report status) {
        return stack.db().primary(status);
    }

    @Override
    String inject(DrillStack stack, Host target) {
        return stack.faults().crashProcess(target, PgBouncerConfig.PROCESS);
    }

    @Override
    List<Check> limits(Recovery recovery, Report load) {
        return List.of(Check.below("writes resume after the fault", recovery.faultToFirstWriteMs(), WRITES_LIMIT_MS));
    }
}
