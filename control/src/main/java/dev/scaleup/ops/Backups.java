package dev.scaleup.ops;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scaleup.render.PgBackRestConfig;
import dev.scaleup.runtime.Exec;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * pgBackRest's commands, run on the backup host as postgres with the host's {@code pgbackrest.conf}: a backup
 * ({@code scaleup backup}), what the repository holds ({@code scaleup backups}, status), and the primary's archiver.
 */
public final class Backups {

    /** The backup types pgBackRest takes: a full copy, the changes since the last full, or since the last backup. */
    public static final Set<String> TYPES = Set.of("full", "diff", "incr");
    private static final Duration BACKUP_TIMEOUT = Duration.ofHours(6);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);
    private static final Duration LOCK_RETRY = Duration.ofSeconds(2);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Deployment deployment;

    public Backups(Deployment deployment) {
        this.deployment = requireNonNull(deployment, "deployment is null");
    }

    /**
     * What one backup did.
     *
     * @param entry the backup as the repository lists it
     * @param seconds how long the command ran
     */
    public record Taken(BackupInfo.Entry entry, double seconds) {
        /** What the backup copied per second of the command (checkpoint and WAL waits included). */
        public double megabytesPerSecond() {
            return entry.delta() / 1e6 / Math.max(seconds, 0.001);
        }
    }

    /** The backup host; refused when the deployment has none. */
    public Host host() {
        List<Host> hosts = deployment.topology().hosts(Role.BACKUP);
        if (hosts.isEmpty()) {
            throw new RefusedException("the deployment " + deployment.topology().name() + " has no backup host:"
                    + " backups are off in its topology (backup.enabled: false, or with target: hosts no backup1 listed"
                    + " under hosts); to turn them on: `scaleup down`, then `scaleup up -f` with backups on");
        }
        return hosts.get(0);
    }

    /** Runs {@code pgbackrest --config=… --stanza=… ARGS} on the backup host as postgres. */
    Exec.Result pgbackrest(List<String> args, Duration timeout) {
        Host host = host();
        Topology t = deployment.topology();
        List<String> command = new ArrayList<>(Postgres.AS_POSTGRES);
        command.addAll(PgBackRestConfig.command(t, deployment.paths(host)));
        command.addAll(args);
        return deployment.target().exec(host, command, timeout);
    }

    /** What the repository holds; throws when pgBackRest does not answer. */
    public BackupInfo info() {
        return BackupInfo.parse(infoJson(), PgBackRestConfig.stanza(deployment.topology()));
    }

    /** {@code pgbackrest info --output=json} as printed. */
    public String infoJson() {
        Exec.Result result = pgbackrest(List.of("--output=json", "info"), Duration.ofSeconds(30));
        if (!result.ok()) {
            throw new OperatorException((result.stderr() + result.stdout()).strip());
        }
        return result.stdout();
    }

    /** Whether the stanza is in the repository (status code 1 is "missing stanza path"). */
    boolean stanzaExists() {
        try {
            return info().statusCode() != 1;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The archiver of the db host that leads now. */
    public ArchiveStatus archiveStatus() {
        DbService db = deployment.services().db();
        Host primary = db.leader().orElseThrow(() -> new OperatorException("no db host leads now"));
        try {
            return ArchiveStatus.parse(db.postgres().query(primary, ArchiveStatus.QUERY));
        } catch (RuntimeException e) {
            throw new OperatorException(primary.name() + ": pg_stat_archiver unreadable: " + e.getMessage(), e);
        }
    }

    /** Takes a backup of the given type, saying every few seconds how far it got; returns it once done. */
    public Taken backup(String type, Progress progress) {
        if (!TYPES.contains(type)) {
            throw new RefusedException("backup: --type must be full, diff or incr, got '" + type + "'");
        }
        Host host = host();
        progress.step("backup: " + type + " backup of " + deployment.topology().name() + " into the repository on "
                + host.name() + " (pgbackrest backup --type=" + type + ")");
        long start = System.nanoTime();
        CompletableFuture<Exec.Result> run = CompletableFuture.supplyAsync(() -> backupWaitingForTheLock(type, progress));
        Exec.Result result = null;
        while (result == null) {
            try {
                result = run.get(PROGRESS_EVERY.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                progress.step(String.format("backup: %.0f s, %s", (System.nanoTime() - start) / 1e9, copied()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OperatorException("backup: interrupted (pgBackRest goes on; `scaleup backups` shows it)");
            } catch (ExecutionException e) {
                throw new OperatorException("backup: " + e.getCause().getMessage(), e.getCause());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (!result.ok()) {
            throw new OperatorException("backup: pgbackrest backup failed after " + String.format("%.0f s", seconds)
                    + ": " + (result.stderr() + result.stdout()).strip());
        }
        BackupInfo.Entry entry = info().newest().orElseThrow(() -> new OperatorException(
                "backup: pgbackrest backup succeeded but the repository lists no backup"));
        return new Taken(entry, seconds);
    }

    /**
     * {@code pgbackrest backup}; while another backup holds the repository's lock (the backup host's schedule, a
     * drill's), it waits for that one to end and tries again, once every few seconds.
     */
    private Exec.Result backupWaitingForTheLock(String type, Progress progress) {
        long deadline = System.nanoTime() + BACKUP_TIMEOUT.toNanos();
        boolean said = false;
        while (true) {
            Exec.Result result = pgbackrest(List.of("--type=" + type, "backup"), BACKUP_TIMEOUT);
            if (result.ok() || !heldByAnother(result) || System.nanoTime() > deadline) {
                return result;
            }
            if (!said) {
                progress.step("backup: another backup runs (the backup host's schedule, or another command): waiting"
                        + " for it to end");
                said = true;
            }
            try {
                Thread.sleep(LOCK_RETRY.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return result;
            }
        }
    }

    /** pgBackRest's LockAcquireError (code 050): the stanza's backup lock is held by another process. */
    static boolean heldByAnother(Exec.Result result) {
        return (result.stderr() + result.stdout()).contains("[050]");
    }

    /**
     * How far the running backup got, from the lock pgBackRest's info shows while one runs: its share copied where
     * the lock says; run on the repository host, pgBackRest 2.45 showed only that the lock was held (on bkp).
     */
    private String copied() {
        try {
            for (JsonNode stanza : JSON.readTree(infoJson())) {
                JsonNode lock = stanza.path("status").path("lock").path("backup");
                if (lock.path("held").asBoolean() && lock.path("size").asLong() > 0) {
                    long size = lock.path("size").asLong();
                    long done = lock.path("size-cp").asLong();
                    return String.format(Locale.ROOT, "%.0f%% (%s of %s)", 100.0 * done / size, bytes(done), bytes(size));
                }
                if (lock.path("held").asBoolean()) {
                    return "running";
                }
            }
            return "starting";
        } catch (IOException | RuntimeException e) {
            return "progress unknown";
        }
    }

    /** 1.2 MB, 340 kB: decimal units, as pgBackRest prints them. */
    public static String bytes(long n) {
        if (n >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.1f GB", n / 1e9);
        }
        if (n >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.1f MB", n / 1e6);
        }
        return String.format(Locale.ROOT, "%.1f kB", n / 1e3);
    }

    /** 45 s, 12 min, 3 h, 2 d. */
    public static String age(long seconds) {
        if (seconds < 120) {
            return seconds + " s";
        }
        if (seconds < 7200) {
            return seconds / 60 + " min";
        }
        return seconds < 172_800 ? seconds / 3600 + " h" : seconds / 86_400 + " d";
    }
}
