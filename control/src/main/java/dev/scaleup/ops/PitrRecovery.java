package dev.scaleup.ops;

import static java.util.Objects.requireNonNull;

import dev.scaleup.render.HostPaths;
import dev.scaleup.render.PgBackRestConfig;
import dev.scaleup.runtime.Exec;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Topology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The restore on the db host that becomes the new primary, with Patroni stopped: pgBackRest puts the backup's files
 * in its data directory (a delta restore: files that match stay) and writes the recovery settings; PostgreSQL, run
 * here outside Patroni with no TCP listener and this host's own settings, replays the archive to the target and
 * promotes itself; then it stops, so that Patroni takes the data directory as it is. This is the order of autobase's pitr role and of Patroni's
 * documentation: recovery to a target is not something Patroni does to a member it manages.
 */
final class PitrRecovery {

    /** The settings pgBackRest's restore writes into postgresql.auto.conf: reset once promoted (see {@link #reset}). */
    static final List<String> RECOVERY_SETTINGS = List.of("restore_command", "recovery_target_time",
            "recovery_target_action");
    private static final Duration RESTORE_TIMEOUT = Duration.ofHours(6);
    private static final Duration RECOVERY_TIMEOUT = Duration.ofHours(2);
    private static final String LOG = "restore-recovery.log";
    /** How long pg_ctl status must say "no server running" before the recovery counts as stopped. */
    private static final java.time.Duration STOPPED_AFTER = java.time.Duration.ofSeconds(3);
    private final Deployment deployment;
    private final Host host;
    private final HostPaths paths;
    private final Postgres postgres;

    PitrRecovery(Deployment deployment, Host host) {
        this.deployment = requireNonNull(deployment, "deployment is null");
        this.host = requireNonNull(host, "host is null");
        this.paths = deployment.paths(host);
        this.postgres = deployment.services().db().postgres();
    }

    /** {@code pgbackrest … restore} into the host's data directory, as postgres; a sentence. */
    String restore(RestoreTarget target) {
        stopLeftover();
        List<String> command = new ArrayList<>(Postgres.AS_POSTGRES);
        command.addAll(PgBackRestConfig.command(deployment.topology(), paths));
        command.addAll(target.pgbackrestArgs());
        long start = System.nanoTime();
        Exec.Result result = deployment.target().exec(host, command, RESTORE_TIMEOUT);
        if (!result.ok()) {
            throw new OperatorException(host.name() + ": pgbackrest restore failed: "
                    + (result.stderr() + result.stdout()).strip());
        }
        return String.format(Locale.ROOT, "%s: pgbackrest %s done in %.1f s", host.name(),
                String.join(" ", target.pgbackrestArgs()), (System.nanoTime() - start) / 1e9);
    }

    /**
     * Starts PostgreSQL on the restored directory (no TCP listener: only the control plane connects, through the
     * socket; no synchronous standby: none runs) and waits until recovery is over and it promoted; the timeline.
     */
    String recover(Progress progress) {
        pgCtl("-l", recoveryLog().toString(), "-W", "-o",
                String.join(" ", serverOptions(deployment.topology(), paths)), "start")
                .orThrow();
        long start = System.nanoTime();
        long said = start;
        long downSince = -1;
        while (true) {
            String inRecovery = null;
            try {
                inRecovery = postgres.query(host, "select pg_is_in_recovery()").get(0);
                downSince = -1;
            } catch (RuntimeException e) {
                // not yet accepting connections (consistency not reached), or it stopped: pg_ctl status says which.
                // Stopped only when it says so for STOPPED_AFTER: pg_ctl start -W returns before the postmaster has
                // written its pid file, and on a loaded server the first status came before it (seen on the lab:
                // "stopped" with an empty log, the server starting a moment later)
                if (pgCtl("status").ok()) {
                    downSince = -1;
                } else if (downSince < 0) {
                    downSince = System.nanoTime();
                } else if (System.nanoTime() - downSince > STOPPED_AFTER.toNanos()) {
                    throw new OperatorException(host.name() + ": PostgreSQL stopped during recovery (a target beyond"
                            + " the archive ends it so); its log " + recoveryLog() + ":\n" + logTail());
                }
            }
            if ("f".equals(inRecovery)) {
                break;
            }
            if (System.nanoTime() - start > RECOVERY_TIMEOUT.toNanos()) {
                throw new OperatorException(host.name() + ": still recovering after " + RECOVERY_TIMEOUT.toMinutes()
                        + " min; its log " + recoveryLog());
            }
            if (System.nanoTime() - said > 10e9) {
                said = System.nanoTime();
                progress.step(String.format("%s: replaying the archive (%.0f s)", host.name(), (said - start) / 1e9));
            }
            sleep();
        }
        String timeline = postgres.query(host, "select substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)").get(0);
        return String.format(Locale.ROOT, "%s: recovery replayed the archive and promoted in %.1f s; new"
                + " timeline %d", host.name(), (System.nanoTime() - start) / 1e9, Long.parseLong(timeline, 16));
    }

    /**
     * The settings of this host that the restored postgresql.conf may not have: Patroni wrote that file on the host
     * the backup was taken from (its socket directory, archive_command, pg_hba.conf's path), and rewrites it only when
     * it starts. No TCP listener (only the control plane connects, through the socket) and no synchronous standby
     * (none runs). pg_ctl hands the options to a shell: each value is quoted.
     */
    static List<String> serverOptions(Topology t, HostPaths paths) {
        Path data = PgBackRestConfig.pgData(paths);
        return List.of("-c listen_addresses=''", "-c synchronous_standby_names=''", "-c port=" + t.db().port(),
                "-c unix_socket_directories='" + paths.run() + "'",
                "-c hba_file='" + data.resolve("pg_hba.conf") + "'",
                "-c ident_file='" + data.resolve("pg_ident.conf") + "'",
                "-c archive_command='" + PgBackRestConfig.archiveCommand(t, paths) + "'");
    }

    /**
     * Takes pgBackRest's recovery settings out of postgresql.auto.conf (ALTER SYSTEM, one at a time: it refuses a
     * transaction block), then stops PostgreSQL cleanly. Left in place, the recovery target would apply again when
     * Patroni starts the server as a standby before its leader race, and stop its replay at the first commit after
     * the target.
     */
    String reset() {
        for (String setting : RECOVERY_SETTINGS) {
            postgres.run(host, "postgres", "alter system reset " + setting, Duration.ofSeconds(30)).orThrow();
        }
        pgCtl("-m", "fast", "-w", "-t", "120", "stop").orThrow();
        return host.name() + ": reset " + String.join(", ", RECOVERY_SETTINGS) + " and stopped PostgreSQL cleanly";
    }

    /**
     * Stops a PostgreSQL that runs on the data directory without Patroni (a recovery server an interrupted restore
     * left, or one whose Patroni was killed alone): pgBackRest refuses to restore under it, and a replica's directory
     * is not emptied under it. A sentence, or null when none ran.
     */
    String stopLeftover() {
        if (!pgCtl("status").ok()) {
            return null;
        }
        pgCtl("-m", "fast", "-w", "-t", "120", "stop").orThrow();
        return host.name() + ": stopped a PostgreSQL that ran without Patroni";
    }

    private Exec.Result pgCtl(String... args) {
        List<String> command = new ArrayList<>(Postgres.AS_POSTGRES);
        command.addAll(List.of(deployment.tools().pg("pg_ctl").toString(), "-D", pgData().toString()));
        command.addAll(List.of(args));
        return deployment.target().exec(host, command, Duration.ofMinutes(3));
    }

    /** The recovery server's log: in the run directory, postgres's on both targets (a server's data/ is root's). */
    private Path recoveryLog() {
        return paths.run().resolve(LOG);
    }

    private Path pgData() {
        return PgBackRestConfig.pgData(paths);
    }

    private String logTail() {
        return deployment.target().exec(host, List.of("tail", "-n", "15", recoveryLog().toString()),
                Duration.ofSeconds(10)).stdout().strip();
    }

    private static void sleep() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperatorException("interrupted during recovery");
        }
    }
}
