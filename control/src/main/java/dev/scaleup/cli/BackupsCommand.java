package dev.scaleup.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.scaleup.ops.ArchiveStatus;
import dev.scaleup.ops.BackupInfo;
import dev.scaleup.ops.Backups;
import dev.scaleup.ops.OperatorException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "backups", mixinStandardHelpOptions = true,
        description = {"Lists the backups in the repository on the backup host (from pgbackrest info): each one's type,"
                + " start and stop, size and the WAL range a restore of it needs; then the archive's WAL range and the"
                + " newest WAL segment the primary archived, with its age. Exits 3 when the primary's archiving fails."})
final class BackupsCommand implements Callable<Integer> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    @Mixin
    CommonOptions common;

    @Option(names = "--json", description = "Print the list as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        CommonOptions.requireRoot();
        Backups backups = new Backups(common.deployment());
        BackupInfo info = backups.info();
        ArchiveStatus archive = null;
        String archiveProblem = null;
        try {
            archive = backups.archiveStatus();
        } catch (OperatorException e) {
            archiveProblem = e.getMessage();
        }
        System.out.println(json ? toJson(info, archive, archiveProblem) : toTable(info, archive, archiveProblem));
        return archive == null || archive.failing() ? StatusCommand.UNHEALTHY : 0;
    }

    static String toTable(BackupInfo info, ArchiveStatus archive, String archiveProblem) {
        StringBuilder out = new StringBuilder("stanza " + info.stanza() + ": " + info.statusMessage() + "\n");
        if (!info.backups().isEmpty()) {
            out.append(String.format("%-34s %-5s %-20s %-20s %10s %10s %10s  %s%n", "LABEL", "TYPE", "START", "STOP",
                    "DATABASE", "COPIED", "IN REPO", "WAL"));
        }
        for (BackupInfo.Entry b : info.backups()) {
            out.append(String.format("%-34s %-5s %-20s %-20s %10s %10s %10s  %s..%s%n", b.label(), b.type(),
                    TIME.format(b.start()), TIME.format(b.stop()), Backups.bytes(b.size()), Backups.bytes(b.delta()),
                    Backups.bytes(b.repositoryDelta()), b.walStart(), b.walStop()));
        }
        out.append("archive: WAL ").append(info.walMin() == null ? "none" : info.walMin() + ".." + info.walMax()).append('\n');
        out.append("primary's archiver: ").append(archiver(archive, archiveProblem));
        return out.toString();
    }

    private static String archiver(ArchiveStatus archive, String archiveProblem) {
        if (archive == null) {
            return "unknown (" + archiveProblem + ")";
        }
        String last = archive.lastArchivedWal() == null ? "nothing archived yet by this primary"
                : "newest " + archive.lastArchivedWal() + ", " + Backups.age(archive.lastArchivedAgeSeconds()) + " ago";
        return archive.failing() ? "FAILING: " + archive.lastFailedWal() + " not archived; " + last : last;
    }

    static String toJson(BackupInfo info, ArchiveStatus archive, String archiveProblem) throws Exception {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("stanza", info.stanza());
        root.put("status", info.statusMessage());
        List<Map<String, Object>> list = new ArrayList<>();
        for (BackupInfo.Entry b : info.backups()) {
            Map<String, Object> backup = new LinkedHashMap<>();
            backup.put("label", b.label());
            backup.put("type", b.type());
            backup.put("start", b.start().toString());
            backup.put("stop", b.stop().toString());
            backup.put("age_s", Duration.between(b.stop(), Instant.now()).toSeconds());
            backup.put("size_bytes", b.size());
            backup.put("delta_bytes", b.delta());
            backup.put("repository_bytes", b.repositorySize());
            backup.put("repository_delta_bytes", b.repositoryDelta());
            backup.put("wal_start", b.walStart());
            backup.put("wal_stop", b.walStop());
            list.add(backup);
        }
        root.put("backups", list);
        root.put("wal_min", info.walMin());
        root.put("wal_max", info.walMax());
        Map<String, Object> archiver = new LinkedHashMap<>();
        if (archive != null) {
            archiver.put("failing", archive.failing());
            archiver.put("last_archived_wal", archive.lastArchivedWal());
            archiver.put("last_archived_age_s", archive.lastArchivedAgeSeconds());
            archiver.put("last_failed_wal", archive.lastFailedWal());
        } else {
            archiver.put("error", archiveProblem);
        }
        root.put("archiver", archiver);
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
    }
}
