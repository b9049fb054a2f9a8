package dev.scaleup.drill;

import dev.scaleup.loadgen.Report;
import dev.scaleup.loadgen.TransferRecord;
import dev.scaleup.ops.ArchiveStatus;
import dev.scaleup.ops.Backups;
import dev.scaleup.ops.Deployment;
import dev.scaleup.ops.OperatorException;
import dev.scaleup.ops.Restore;
import dev.scaleup.ops.RestoreTarget;
import dev.scaleup.ops.Status;
import dev.scaleup.runtime.Readiness;
import dev.scaleup.topology.Host;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A careless operator, then {@code scaleup restore --to T}, all under load. A full backup is taken, the load goes
 * on, the time T is read from the primary's clock, then every transfer is deleted through psql on the primary; the
 * load goes on a little, then the restore runs (it stops the app servers itself). With {@code failover}, the primary
 * is killed after the backup and the stack mended before T, so the restore replays the archive across the timeline
 * switch. The data check then holds the restore to its promise ({@link RestoreCut}): every transfer acknowledged
 * before T is there exactly once, those acknowledged after T (before the restore) are not, the balances add up.
 */
final class PointInTimeRestore extends DrillScenario {

    /** The longest a restore of the drill's small database may take, app servers stopped to stack healthy. */
    static final double RTO_LIMIT_MS = 300_000;
    private static final Duration BETWEEN_STEPS = Duration.ofSeconds(3);
    private final boolean failover;

    PointInTimeRestore(boolean failover) {
        super(failover ? "restore-after-failover" : "restore",
                (failover ? "full backup, SIGKILL the primary's database server, up; " : "full backup; ")
                        + "note T on the primary's clock, DELETE FROM transfers through psql, then scaleup restore --to T",
                "none (the restore is the repair)",
                "every transfer acknowledged before T there exactly once, none acknowledged after T (before the"
                        + " restore); balances add up; restore < 300 s");
        this.failover = failover;
    }

    /** The restore rebuilds the database tier; restore-after-failover kills the primary first. */
    @Override
    public boolean mayMovePrimary() {
        return true;
    }

    @Override
    public Group group() {
        return Group.BACKUPS;
    }

    @Override
    public int defaultSeconds() {
        return 20;
    }

    @Override
    public Duration healthWait() {
        return DB_HEALTH_WAIT;
    }

    @Override
    public Duration overrun() {
        return OperationScenario.OPERATION_BUDGET;
    }

    @Override
    public boolean changesDeployment() {
        return true;
    }

    @Override
    public Optional<String> unavailable(Deployment deployment) {
        return deployment.topology().backup().enabled() ? Optional.empty()
                : Optional.of("the stack has no backup host (backup.enabled: true in its topology)");
    }

    @Override
    Injection prepare(DrillStack stack, Status.Report before) {
        return new Run(stack); // Drill.run refused a stack without backups (unavailable)
    }

    @Override
    String injected(long fromMicros, long toMicros, String done) {
        return String.format(Locale.ROOT, "%s: from %.1f s to %.1f s: %s", name(), fromMicros / 1e6, toMicros / 1e6,
                done);
    }

    /** The data checks hold the promise; the stack's own limits are "healthy again" (every scenario's). */
    @Override
    List<Check> limits(Recovery recovery, Report load) {
        return List.of();
    }

    /** One run: marks the moments the data check needs on the load's clock. */
    private final class Run implements Injection {

        private final DrillStack stack;
        private RestoreCut cut;
        private Double restoreSeconds;

        Run(DrillStack stack) {
            this.stack = stack;
        }

        @Override
        public String target() {
            return "db tier, " + new Backups(stack.deployment()).host().name();
        }

        @Override
        public String inject() {
            Deployment deployment = stack.deployment();
            Backups.Taken backup = new Backups(deployment).backup("full", stack.progress());
            List<String> done = new ArrayList<>(List.of(String.format(Locale.ROOT, "full backup %s: %s in %.1f s,"
                            + " %.1f MB/s", backup.entry().label(), Backups.bytes(backup.entry().delta()),
                    backup.seconds(), backup.megabytesPerSecond())));
            if (failover) {
                done.add(failOver());
            }
            pause();
            Host primary = primary();
            long targetFrom = stack.loadMicros();
            String t = stack.db().query(primary, "select now()").get(0);
            long targetTo = stack.loadMicros();
            stack.progress().step(name() + ": T = " + t + " (" + primary.name() + "'s clock)");
            pause();
            done.add(String.format(Locale.ROOT, "archive delay after a WAL switch %.1f s", archiveDelaySeconds(primary)));
            String deleted = stack.db().query(primary,
                    "with gone as (delete from transfers returning 1) select count(*) from gone").get(0);
            stack.progress().step(name() + ": DELETE FROM transfers on " + primary.name() + ": " + deleted + " rows");
            pause();
            Restore.Result restored = Restore.run(deployment.state(), deployment.repoRoot(), RestoreTarget.at(t),
                    plan -> true, stack.progress());
            // the moment the app servers had stopped, on the load's clock
            long sinceStop = Duration.between(restored.writesStopped(), Instant.now()).toNanos() / 1000;
            cut = new RestoreCut(targetFrom, targetTo, stack.loadMicros() - sinceStop);
            restoreSeconds = restored.seconds();
            done.add(String.format(Locale.ROOT, "deleted %s transfers after T; restored to T in %.1f s (RTO), %s"
                    + " primary", deleted, restored.seconds(), restored.primary()));
            return String.join("; ", done);
        }

        @Override
        public String restore() {
            return "none";
        }

        @Override
        public List<TransferRecord> expected(List<TransferRecord> sent) {
            return cut == null ? sent : cut.expected(sent);
        }

        @Override
        public List<Check> dataChecks(List<TransferRecord> sent, List<DataCheck.Row> rows) {
            if (cut == null) {
                return List.of(new Check("restored to T", "no", "yes", false));
            }
            RestoreCut.AfterTarget discarded = cut.afterTarget(sent, rows);
            long before = cut.beforeTarget(sent);
            long after = cut.afterRestore(sent);
            return List.of(
                    new Check("acknowledged after T (before the restore) absent", discarded.absent() + " of "
                            + discarded.acknowledged(), "all, and some", discarded.acknowledged() > 0
                            && discarded.absent() == discarded.acknowledged()),
                    // their presence, exactly once, is the data check's "acknowledged writes lost" and "applied twice"
                    new Check("acknowledged before T, checked present", Long.toString(before), "> 0", before > 0),
                    new Check("acknowledged after the restore, checked present", Long.toString(after), "> 0",
                            after > 0));
        }

        @Override
        public List<Check> checks() {
            return List.of(Check.below("restore time (RTO)", restoreSeconds == null ? null : restoreSeconds * 1000,
                    RTO_LIMIT_MS));
        }

        /** The primary's database server killed; its synchronous standby promoted; the old primary back as replica. */
        private String failOver() {
            Host old = primary();
            String killed = FaultScenario.killDatabase(stack, old);
            stack.progress().step(name() + ": " + killed);
            Duration took = Readiness.await("a new primary", Duration.ofSeconds(60), () -> stack.deployment().services()
                    .db().leader().filter(h -> !h.equals(old)).isPresent(), () -> true);
            String up = stack.faults().up(stack.progress());
            stack.reload();
            return String.format(Locale.ROOT, "%s killed, a new primary in %.1f s; %s", old.name(),
                    took.toNanos() / 1e9, up);
        }

        private Host primary() {
            return stack.db().primary(Status.collect(stack.deployment()));
        }

        /** From pg_switch_wal() on the primary to that segment in its pg_stat_archiver (the RPO of a total loss). */
        private double archiveDelaySeconds(Host primary) {
            String segment = stack.db().query(primary, "select pg_walfile_name(pg_switch_wal())").get(0);
            Backups backups = new Backups(stack.deployment());
            long start = System.nanoTime();
            Readiness.await(segment + " archived", Duration.ofSeconds(60), () -> {
                ArchiveStatus archive = backups.archiveStatus();
                return archive.lastArchivedWal() != null && archive.lastArchivedWal().compareTo(segment) >= 0;
            }, () -> true);
            return (System.nanoTime() - start) / 1e9;
        }

        private void pause() {
            try {
                Thread.sleep(BETWEEN_STEPS.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OperatorException("interrupted");
            }
        }
    }
}
