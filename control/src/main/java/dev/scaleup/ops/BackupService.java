package dev.scaleup.ops;

import static java.util.Objects.requireNonNull;

import dev.scaleup.render.BackupSchedule;
import dev.scaleup.render.HostPaths;
import dev.scaleup.render.PgBackRestConfig;
import dev.scaleup.runtime.Exec;
import dev.scaleup.runtime.ProcessSpec;
import dev.scaleup.topology.Backup;
import dev.scaleup.topology.Host;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The backup host: pgBackRest's TLS server in front of the repository, as postgres (the user that owns the db
 * hosts' data and runs their archive-push, so one unprivileged user on both ends). Once it serves, the stanza is
 * made (once; {@code stanza-create} again is a no-op) and {@code pgbackrest check} proves the primary's archiving
 * reaches it. Healthy while the stanza is readable and the primary's latest archive attempt did not fail.
 */
public final class BackupService implements HostService {

    static final String USER = DbService.USER;
    static final String PROCESS = "pgbackrest";
    private final Deployment deployment;
    private final Backups backups;

    public BackupService(Deployment deployment) {
        this.deployment = requireNonNull(deployment, "deployment is null");
        this.backups = new Backups(deployment);
    }

    /** The TLS server on a db host or the backup host. */
    static ProcessSpec server(HostPaths paths) {
        return ProcessSpec.of(PROCESS, PgBackRestConfig.serverCommand(paths)).asUser(USER);
    }

    /** The backup schedule (render.BackupSchedule), beside the server on the backup host. */
    static ProcessSpec schedule(HostPaths paths) {
        return ProcessSpec.of(BackupSchedule.PROCESS, BackupSchedule.command(paths)).asUser(USER)
                .withExecutable(PYTHON_FILE_NAME);
    }

    /**
     * The file /usr/bin/python3 links to (python3.11 on Debian 12): the name a running schedule's executable has,
     * which is how a pid is told to be it on this machine.
     */
    private static final String PYTHON_FILE_NAME = pythonFileName();

    private static String pythonFileName() {
        try {
            return Path.of(BackupSchedule.command(HostPaths.onServer()).get(0)).toRealPath().getFileName().toString();
        } catch (IOException e) {
            return "python3"; // no python3 here: the start fails and says why
        }
    }

    @Override
    public List<ProcessSpec> processes(Host host) {
        HostPaths paths = deployment.paths(host);
        List<ProcessSpec> specs = new java.util.ArrayList<>(List.of(server(paths), schedule(paths)));
        specs.addAll(Monitors.exporters(deployment, host)); // node-exporter on a server (with monitoring)
        return List.copyOf(specs);
    }

    /**
     * The schedule reads its settings at every check: nothing to do for them. pgBackRest's server reads its config
     * at start: a changed one stops it here, and the converge that called this starts it again (the primary's
     * archive-push retries meanwhile).
     */
    @Override
    public String reload(Host host, List<String> changedFiles) {
        List<String> said = new java.util.ArrayList<>();
        if (changedFiles.contains(BackupSchedule.SETTINGS)) {
            said.add("the backup schedule reads " + BackupSchedule.SETTINGS + " at its next check");
        }
        if (changedFiles.contains(PgBackRestConfig.FILE)) {
            ProcessSpec server = server(deployment.paths(host));
            said.add(deployment.isRunning(host, server) ? deployment.target().stop(host, server, Down.STOP_DEADLINE)
                    + " (started again with the new " + PgBackRestConfig.FILE + ")" : PROCESS + " was not running");
        }
        if (changedFiles.contains(BackupSchedule.PROGRAM)) {
            ProcessSpec schedule = schedule(deployment.paths(host));
            if (deployment.isRunning(host, schedule)) {
                said.add(deployment.target().stop(host, schedule, Down.STOP_DEADLINE) + " (started again as written now)");
            }
        }
        return host.name() + ": " + (said.isEmpty() ? "nothing to reload" : String.join("; ", said));
    }

    @Override
    public String prepare(Host host) {
        HostPaths paths = deployment.paths(host);
        Path repository = paths.data().resolve(PgBackRestConfig.REPOSITORY);
        try {
            for (Path dir : List.of(paths.conf(), paths.logs(), paths.run().resolve(PROCESS), repository)) {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + host.name(), e);
        }
        // the config (the repository's passphrase) and the certificate's key are 0600: postgres's alone
        deployment.target().ownTrees(host, List.of(paths.conf(), paths.run(), paths.logs(), paths.data()), USER);
        boolean monitored = deployment.topology().monitoring().enabled();
        if (monitored) {
            // node-exporter (user prometheus) reads the schedule's backup.prom in run/textfile/: the host's
            // directory may be passed through, not listed; the logs stay postgres's
            Path textfile = BackupSchedule.textfileDir(paths);
            try {
                Files.createDirectories(textfile);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot make " + textfile, e);
            }
            deployment.target().own(host, textfile, USER, USER, 0755);
            deployment.target().own(host, paths.logs(), USER, USER, 0750);
        }
        deployment.target().own(host, paths.root(), USER, USER, monitored ? 0711 : 0700);
        deployment.target().own(host, repository, USER, USER, 0750);
        return null;
    }

    @Override
    public void awaitReady(Host host, ProcessSpec spec) {
        if (Monitors.isExporter(spec)) {
            Monitors.awaitListening(deployment, host, spec);
            return;
        }
        if (spec.name().equals(BackupSchedule.PROCESS)) {
            // nothing to wait for: it looks at the repository every few seconds, and says so in its log
            return;
        }
        awaitListening(deployment, host, spec);
    }

    /** pgBackRest's "unable to acquire lock" (error 050): another of its processes holds the stanza's lock. */
    static boolean isLockBusy(Exec.Result result) {
        return (result.stderr() + result.stdout()).contains("ERROR: [050]");
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperatorException("interrupted while the stanza's lock was busy");
        }
    }

    /** Waits until the host's pgBackRest server listens. */
    static void awaitListening(Deployment deployment, Host host, ProcessSpec spec) {
        HostService.awaitListening(deployment, host, spec, Backup.TLS_PORT);
    }

    /**
     * Makes the stanza when the repository has none (a new deployment), once the primary serves; returns whether it
     * did. Then {@link #checkArchiving}: {@code up} runs both beside its stages ({@code LocalConverge}).
     */
    boolean createStanza(Host host, Progress progress) {
        if (!backups.stanzaExists()) {
            long start = System.nanoTime();
            Exec.Result create = backups.pgbackrest(List.of("stanza-create"), Duration.ofMinutes(2));
            // the stanza's lock can be held for a moment by another pgBackRest of the repository (seen once in CI:
            // "ERROR: [050]: unable to acquire lock on file .../secit-archive.lock"): stanza-create again, which is
            // safe (a stanza that exists is left as it is), a few times
            for (int attempt = 1; !create.ok() && isLockBusy(create) && attempt < 5; attempt++) {
                sleep(Duration.ofSeconds(1));
                create = backups.pgbackrest(List.of("stanza-create"), Duration.ofMinutes(2));
            }
            if (!create.ok()) {
                throw new OperatorException(host.name() + ": pgbackrest stanza-create failed: "
                        + (create.stderr() + create.stdout()).strip());
            }
            progress.step(String.format("%s: made the stanza %s in the repository in %.1f s", host.name(),
                    PgBackRestConfig.stanza(deployment.topology()), (System.nanoTime() - start) / 1e9));
            return true;
        }
        return false;
    }

    /** {@code pgbackrest check}: a WAL switch on the primary, and its segment in the repository. */
    void checkArchiving(Host host, Progress progress) {
        long start = System.nanoTime();
        Exec.Result check = backups.pgbackrest(List.of("check"), Duration.ofMinutes(2));
        if (!check.ok()) {
            throw new OperatorException(host.name() + ": pgbackrest check failed (WAL archiving does not reach the"
                    + " repository): " + (check.stderr() + check.stdout()).strip());
        }
        progress.step(String.format("%s: pgbackrest check: the primary's WAL reaches the repository (%.1f s)",
                host.name(), (System.nanoTime() - start) / 1e9));
    }

    @Override
    public HostHealth health(Host host) {
        Map<String, Object> facts = new LinkedHashMap<>();
        BackupInfo info;
        try {
            info = backups.info();
        } catch (OperatorException e) {
            return HostHealth.of(false, "pgbackrest info failed: " + e.getMessage());
        }
        boolean healthy = info.statusCode() == 0 || info.backups().isEmpty() && info.statusCode() == 2;
        StringBuilder details = new StringBuilder("stanza " + info.stanza() + ": " + info.statusMessage());
        facts.put("backups", info.backups().size());
        Optional<BackupInfo.Entry> newest = info.newest();
        if (newest.isPresent()) {
            BackupInfo.Entry b = newest.get();
            long age = Duration.between(b.stop(), java.time.Instant.now()).toSeconds();
            facts.put("last_backup", b.label());
            facts.put("last_backup_age_s", age);
            details.append(", last backup ").append(b.type()).append(' ').append(Backups.age(age)).append(" ago");
            Optional<Long> overdue = BackupSchedule.overdueAfterSeconds(deployment.topology().backup());
            facts.put("backup_overdue", overdue.isPresent() && age > overdue.get());
            if (overdue.isPresent() && age > overdue.get()) {
                healthy = false;
                details.append(" (OVERDUE: the schedule takes one at least every ")
                        .append(Backups.age(overdue.get() / 2)).append("; see scaleup logs ").append(host.name())
                        .append(' ').append(BackupSchedule.PROCESS).append(')');
            }
        } else {
            details.append(", no backup yet");
        }
        facts.put("wal_max", info.walMax());
        try {
            ArchiveStatus archive = backups.archiveStatus();
            facts.put("archive_failing", archive.failing());
            facts.put("last_archived_wal", archive.lastArchivedWal());
            facts.put("last_archived_age_s", archive.lastArchivedAgeSeconds());
            if (archive.failing()) {
                healthy = false;
                details.append(", WAL archiving FAILING (").append(archive.lastFailedWal()).append(" not archived)");
            } else if (archive.lastArchivedWal() != null) {
                details.append(", WAL archived ").append(Backups.age(archive.lastArchivedAgeSeconds())).append(" ago");
            }
        } catch (OperatorException e) {
            healthy = false;
            details.append(", archiver unknown: ").append(e.getMessage());
        }
        return new HostHealth(healthy, details.toString(), facts);
    }
}
