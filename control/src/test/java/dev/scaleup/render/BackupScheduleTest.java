package dev.scaleup.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.topology.Topology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backup schedule's program (a golden file) run by the real python3: its {@code due} decides, for a repository's
 * backups and the time now, which backup to take; and its settings name the host's pgBackRest command.
 */
class BackupScheduleTest {

    private static final Topology T = Fixtures.backupTopology();
    private static final HostPaths BACKUP1 = Fixtures.goldenPaths(Fixtures.host(T, "backup1"));

    /** Each case: the settings (full, incr minutes), the backups as (type, stop seconds ago), what is due. */
    private static final String CASES = """
            import backup_schedule as s
            now = 1_000_000
            def b(kind, ago):
                return {"type": kind, "timestamp": {"start": now - ago - 5, "stop": now - ago}}
            def due(full, incr, backups):
                return s.due({"full_every_minutes": full, "incr_every_minutes": incr}, backups, now)[0]
            week, day = 10080, 1440
            print(due(week, day, []))                                      # nothing yet: full
            print(due(week, day, [b("full", 3600)]))                       # a fresh full: nothing
            print(due(week, day, [b("full", 86400)]))                      # a day old: incr
            print(due(week, day, [b("full", 86400), b("incr", 60)]))       # an incr since: nothing
            print(due(week, day, [b("full", 8 * 86400), b("incr", 60)]))   # the full a week old: full
            print(due(0, day, []))                                         # incr only, nothing yet: full
            print(due(0, day, [b("incr", 2 * 86400)]))                     # incr only, no full listed: full
            print(due(0, 0, []))                                           # no schedule: nothing
            print(due(week, 0, [b("full", 86400)]))                        # full only: nothing for a week
            """;

    @Test
    void theProgramTakesAFullWhenNoneOrTooOldElseAnIncrementalWhenTheNewestIsTooOld(@TempDir Path dir) throws IOException {
        String python = Tools.require("python3");
        List<RenderedFile> files = BackupSchedule.render(T, Fixtures.host(T, "backup1"), BACKUP1);
        Files.writeString(dir.resolve("backup_schedule.py"), files.get(0).content());
        Files.writeString(dir.resolve("cases.py"), CASES);
        Tools.Result run = Tools.run(List.of(python, dir.resolve("cases.py").toString()));
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output().lines().toList()).containsExactly("full", "None", "incr", "None", "full", "full", "full",
                "None", "None");
    }

    @Test
    void theSettingsNameTheHostsPgBackRestAndTheTopologysIntervals() {
        String settings = BackupSchedule.render(T, Fixtures.host(T, "backup1"), BACKUP1).get(1).content();
        assertThat(settings).contains("\"pgbackrest\": [\"pgbackrest\", \"--config=/state/hosts/backup1/conf/pgbackrest.conf\","
                + " \"--stanza=scaleup\"]").contains("\"full_every_minutes\": 10080").contains("\"incr_every_minutes\": 1440");
        assertThat(BackupSchedule.command(BACKUP1)).containsExactly("/usr/bin/python3", "-u",
                "/state/hosts/backup1/conf/backup-schedule.py", "/state/hosts/backup1/conf/backup-schedule.json");
    }
}
