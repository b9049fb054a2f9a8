package dev.scaleup.drill;

import dev.scaleup.topology.Host;
import java.util.List;

/**
 * PostgreSQL crashes on the primary while Patroni lives on: Patroni, which still holds the leader key, starts it again
 * in place (crash recovery) and the primary stays where it was; were it not back within the key's life, a replica
 * would take over. Either way writes must resume, and nothing acknowledged may be lost.
 */
final class DbPostgresCrash extends PrimaryFailover {

    DbPostgresCrash() {
        super("db-postgres-crash", "SIGKILL PostgreSQL on the primary (the postgres user's processes but Patroni's, "
                + "pgBackRest's and PgBouncer's)", "up", "writes resume < " + Math.round(WRITES_LIMIT_MS / 1000) + " s");
    }

    /**
     * No leader key has to expire, but PostgreSQL's crash recovery (WAL since the last checkpoint, then a checkpoint)
     * takes what the disk takes. Measured on netns (2026-12-02, 8 clients): 2.14, 2.34 and 2.27 s once a subreaper
     * reaps the dead postmaster at once (DbService), 3.95 s before; but 12.98 s in a fresh-clone CI run on a slower
     * day of this machine, where crash recovery in single-user mode took 4.5 s and the start after it 4 s. A limit of
     * 6 s failed there, so it is the failovers' 15 s again.
     */
    static final double WRITES_LIMIT_MS = 15_000;

    @Override
    double writesLimitMs() {
        return WRITES_LIMIT_MS;
    }

    /** Patroni restarts PostgreSQL in place, or a replica takes over: both are right. */
    @Override
    public boolean mayMovePrimary() {
        return true;
    }

    /** The primary stays primary when Patroni brings PostgreSQL back in time: there is no old primary to wait for. */
    @Override
    public boolean awaitsOldPrimary() {
        return false;
    }

    /** The recovery happens on the host the fault hit: its lines belong in the timeline. */
    @Override
    public boolean recoversInPlace() {
        return true;
    }

    /** tini is Patroni's subreaper on the netns target (DbService): killing it would kill Patroni too. */
    @Override
    String inject(DrillStack stack, Host target) {
        return stack.faults().killUser(target, "postgres", List.of("patroni", "tini", "pgbackrest", "pgbouncer"));
    }
}
