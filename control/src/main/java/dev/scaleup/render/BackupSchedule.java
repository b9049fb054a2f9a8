package dev.scaleup.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scaleup.topology.Backup;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Topology;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The backup host's schedule ({@code backup.full_every_minutes}, {@code backup.incr_every_minutes}): a small
 * Python program that runs as postgres beside pgBackRest's server, on both targets (a process of the stack on
 * netns, a systemd unit on a server), and every {@value #CHECK_EVERY_SECONDS} s reads {@code pgbackrest info}:
 * <ul>
 *   <li>a full backup when there is none, or the newest full ended {@code full_every_minutes} ago or longer;</li>
 *   <li>else an incremental one when the newest backup of any type ended {@code incr_every_minutes} ago or longer;</li>
 *   <li>nothing while a backup runs (the repository's lock is held: {@code scaleup backup}, a drill) or while the
 *       stanza is missing (up makes it).</li>
 * </ul>
 * pgBackRest expires what {@code repo1-retention-full} no longer keeps after each backup. The intervals are in
 * {@link #SETTINGS}, read again at every check, so a changed topology applies without a restart. Pure.
 */
public final class BackupSchedule {

    public static final String PROGRAM = "backup-schedule.py";
    public static final String SETTINGS = "backup-schedule.json";
    /** The process's name (netns) and, with {@code scaleup-} before it, its unit's on a server. */
    public static final String PROCESS = "backup-schedule";
    /** How often it looks; a backup is late by at most this much. */
    public static final int CHECK_EVERY_SECONDS = 15;

    /** With monitoring: the repository's newest backups for node-exporter, in the host's textfile directory. */
    public static final String TEXTFILE = "backup.prom";

    private BackupSchedule() {}

    /**
     * After how long without a new backup the schedule is late: twice its shortest interval (the incremental one, else
     * the full one), so one missed or failed run is tolerated and two are not; empty when it takes none. {@code status} says OVERDUE after it, and the alert BackupTooOld fires.
     */
    public static java.util.Optional<Long> overdueAfterSeconds(Backup schedule) {
        int minutes = schedule.incrEveryMinutes() > 0 ? schedule.incrEveryMinutes() : schedule.fullEveryMinutes();
        return minutes == 0 ? java.util.Optional.empty() : java.util.Optional.of(2L * minutes * 60);
    }

    /** The program and its settings, for the backup host. */
    public static List<RenderedFile> render(Topology t, Host host, HostPaths paths) {
        return List.of(new RenderedFile(PROGRAM, program(t, host), RenderedFile.PUBLIC),
                new RenderedFile(SETTINGS, settings(t, paths), RenderedFile.PUBLIC));
    }

    /** The textfile directory node-exporter serves on the backup host (monitoring.enabled). */
    public static java.nio.file.Path textfileDir(HostPaths paths) {
        return paths.run().resolve(Exporters.TEXTFILE_DIR);
    }

    /** {@code python3 -u backup-schedule.py backup-schedule.json}: unbuffered, so each line reaches the log at once. */
    public static List<String> command(HostPaths paths) {
        return List.of("/usr/bin/python3", "-u", Text.path(paths.conf(PROGRAM)), Text.path(paths.conf(SETTINGS)));
    }

    static String settings(Topology t, HostPaths paths) {
        Backup b = t.backup();
        String pgbackrest = PgBackRestConfig.command(t, paths).stream().map(BackupSchedule::jsonString)
                .collect(Collectors.joining(", "));
        return """
                {
                  "pgbackrest": [%s],
                  "full_every_minutes": %d,
                  "incr_every_minutes": %d,
                  "check_every_seconds": %d,
                  "textfile": %s
                }
                """.formatted(pgbackrest, b.fullEveryMinutes(), b.incrEveryMinutes(), CHECK_EVERY_SECONDS,
                t.monitoring().enabled() ? jsonString(textfileDir(paths).resolve(TEXTFILE).toString()) : "null");
    }

    /** A JSON string literal: quoted, and escaped where a path needs it. */
    private static String jsonString(String value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    static String program(Topology t, Host host) {
        return "#!/usr/bin/python3\n" + Text.banner(t, host) + """
                # The backup schedule: every check_every_seconds, a full backup when there is none or the newest full
                # is full_every_minutes old, else an incremental one when the newest backup is incr_every_minutes old
                # (0: never). The settings file is read at every check. One line per backup (and per problem) on
                # standard output. With a textfile, the repository's newest backups for node-exporter at every check.
                import json
                import os
                import subprocess
                import sys
                import time


                def log(message):
                    print(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()) + " " + message, flush=True)


                def due(settings, backups, now):
                    \"\"\"(type, why) of the backup to take now, or (None, None).\"\"\"
                    full_every = settings["full_every_minutes"] * 60
                    incr_every = settings["incr_every_minutes"] * 60
                    fulls = [b["timestamp"]["stop"] for b in backups if b["type"] == "full"]
                    newest = max((b["timestamp"]["stop"] for b in backups), default=None)
                    if full_every and not fulls:
                        return "full", "no full backup yet"
                    if full_every and now - max(fulls) >= full_every:
                        return "full", "the newest full ended %d min ago" % ((now - max(fulls)) // 60)
                    if incr_every and newest is None:
                        return "full", "no backup yet"
                    if incr_every and now - newest >= incr_every:
                        return ("incr" if fulls else "full"), "the newest backup ended %d min ago" % ((now - newest) // 60)
                    return None, None


                def export(settings, backups):
                    \"\"\"The newest backups' stop times (0: none) for Prometheus, replaced in one rename.\"\"\"
                    path = settings.get("textfile")
                    if not path:
                        return
                    newest = max((b["timestamp"]["stop"] for b in backups), default=0)
                    full = max((b["timestamp"]["stop"] for b in backups if b["type"] == "full"), default=0)
                    text = ("# HELP scaleup_backup_newest_timestamp_seconds When the newest backup ended (0: none)\\n"
                            "# TYPE scaleup_backup_newest_timestamp_seconds gauge\\n"
                            "scaleup_backup_newest_timestamp_seconds %d\\n"
                            "# HELP scaleup_backup_newest_full_timestamp_seconds When the newest full ended (0: none)\\n"
                            "# TYPE scaleup_backup_newest_full_timestamp_seconds gauge\\n"
                            "scaleup_backup_newest_full_timestamp_seconds %d\\n"
                            "# HELP scaleup_backups Backups in the repository\\n"
                            "# TYPE scaleup_backups gauge\\n"
                            "scaleup_backups %d\\n") % (newest, full, len(backups))
                    fd = os.open(path + ".tmp", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                    with os.fdopen(fd, "w") as f:
                        os.fchmod(f.fileno(), 0o644)  # node-exporter reads it as prometheus
                        f.write(text)
                    os.replace(path + ".tmp", path)


                def check(settings):
                    command = settings["pgbackrest"]
                    info = subprocess.run(command + ["--output=json", "info"], capture_output=True, text=True, timeout=120)
                    if info.returncode != 0:
                        return "pgbackrest info failed: " + (info.stderr + info.stdout).strip()
                    stanza = json.loads(info.stdout)[0]
                    status = stanza["status"]
                    if status["code"] in (0, 2):
                        export(settings, stanza.get("backup", []))
                    if status.get("lock", {}).get("backup", {}).get("held"):
                        return None  # a backup runs: scaleup backup, a drill, or this schedule's own
                    if status["code"] not in (0, 2):  # 2: no valid backup yet; 1: no stanza yet (up makes it)
                        return "no backup: " + status["message"]
                    kind, why = due(settings, stanza.get("backup", []), time.time())
                    if kind is None:
                        return None
                    log("%s backup: %s" % (kind, why))
                    start = time.time()
                    run = subprocess.run(command + ["--type=" + kind, "backup"], capture_output=True, text=True)
                    if run.returncode == 0:
                        log("%s backup done in %.1f s" % (kind, time.time() - start))
                    else:
                        log("%s backup failed (exit %d): %s" % (kind, run.returncode, (run.stderr + run.stdout).strip()))
                    return None


                def main():
                    said = None
                    while True:
                        every = 60
                        try:
                            with open(sys.argv[1]) as f:
                                settings = json.load(f)
                            every = settings["check_every_seconds"]
                            problem = check(settings)
                        except Exception as e:  # the next check tries again
                            problem = "check failed: %r" % e
                        if problem != said and problem is not None:
                            log(problem)  # once per problem, not at every check
                        said = problem
                        time.sleep(every)


                if __name__ == "__main__":
                    main()
                """;
    }
}
