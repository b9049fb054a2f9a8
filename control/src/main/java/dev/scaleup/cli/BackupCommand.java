package dev.scaleup.cli;

import dev.scaleup.ops.BackupInfo;
import dev.scaleup.ops.Backups;
import dev.scaleup.ops.Progress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "backup", mixinStandardHelpOptions = true,
        description = {"Takes a pgBackRest backup of the database into the repository on the backup host (backup.enabled"
                + " in the topology), from whichever db host is primary, saying every few seconds how far it got; then"
                + " its size, duration and rate. Older full backups beyond backup.retention_full are expired after it.",
                "`scaleup backups` lists what the repository holds."})
final class BackupCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Option(names = {"-t", "--type"}, paramLabel = "TYPE", defaultValue = "full",
            description = "full (a whole copy, the default), diff (what changed since the last full) or incr (since the"
                    + " last backup of any type).")
    String type;

    @Override
    public Integer call() {
        CommonOptions.requireRoot();
        Progress progress = new Progress(System.out);
        Backups.Taken taken = new Backups(common.deployment()).backup(type, progress);
        BackupInfo.Entry b = taken.entry();
        progress.step(String.format(java.util.Locale.ROOT, "backup: %s %s done in %.1f s: copied %s of a %s database"
                        + " (%s added to the repository, compressed and encrypted), %.1f MB/s; WAL %s to %s", b.type(),
                b.label(), taken.seconds(), Backups.bytes(b.delta()), Backups.bytes(b.size()),
                Backups.bytes(b.repositoryDelta()), taken.megabytesPerSecond(), b.walStart(), b.walStop()));
        return 0;
    }
}
