package dev.scaleup.ops;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a restore goes: a point in time, or the end of the archive (latest). Pure: parses the operator's timestamp,
 * picks the backup a restore starts from and builds pgBackRest's restore arguments.
 *
 * @param time the point in time, or null for the end of the archive
 */
public record RestoreTarget(Instant time) {

    /** PostgreSQL's own form of a timestamp, in UTC with microseconds: what recovery_target_time is given. */
    private static final DateTimeFormatter PG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSx")
            .withZone(ZoneOffset.UTC);
    /** 2026-11-30 11:20:00+00, 2026-11-30T11:20:00.123Z, 2026-11-30 11:20:00.5+01:00: an offset is required. */
    private static final DateTimeFormatter INPUT = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd[' ']['T']HH:mm[:ss]")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd()
            .appendOffset("+HH:mm", "Z")
            .toFormatter();

    public static RestoreTarget latest() {
        return new RestoreTarget(null);
    }

    /** The operator's timestamp; refused (with the forms accepted) when it has no offset or does not parse. */
    public static RestoreTarget at(String text) {
        String s = text.strip();
        // PostgreSQL prints offsets as +00 or +0530: the parser wants +00:00
        s = s.replaceFirst("([+-]\\d\\d)$", "$1:00").replaceFirst("([+-]\\d\\d)(\\d\\d)$", "$1:$2");
        try {
            return new RestoreTarget(OffsetDateTime.parse(s, INPUT).toInstant());
        } catch (DateTimeParseException e) {
            throw new RefusedException("restore: --to '" + text + "' is not a timestamp with a time zone; write it as"
                    + " PostgreSQL prints now(), e.g. '2026-11-30 11:20:00+00' or '2026-11-30T11:20:00.5Z'");
        }
    }

    public boolean isLatest() {
        return time == null;
    }

    /** The time as PostgreSQL's recovery_target_time takes it, or "latest". */
    public String describe() {
        return isLatest() ? "the end of the archive (latest)" : PG_TIME.format(time);
    }

    /**
     * The backup the restore starts from: for a point in time, the newest that ended before it (pgBackRest picks the
     * same one); for latest, the newest. Refused when there is none.
     */
    public BackupInfo.Entry backup(BackupInfo info) {
        List<BackupInfo.Entry> usable = new ArrayList<>();
        for (BackupInfo.Entry b : info.backups()) {
            if (isLatest() || b.stop().isBefore(time)) {
                usable.add(b);
            }
        }
        if (usable.isEmpty()) {
            Optional<BackupInfo.Entry> oldest = info.backups().stream().findFirst();
            throw new RefusedException(oldest.map(b -> "restore: no backup ended before " + describe() + ": the oldest,"
                            + " " + b.label() + ", ended at " + PG_TIME.format(b.stop()) + "; nothing was changed")
                    .orElse("restore: the repository holds no backup yet (take one with `scaleup backup`); nothing"
                            + " was changed"));
        }
        return usable.get(usable.size() - 1);
    }

    /**
     * Refuses a time the archive cannot reach: after {@code archivedUpTo}, the moment up to which the primary's WAL is
     * known to be archived (its clock when the restore began: the restore switches to a new segment and waits until
     * it is archived before it stops anything).
     */
    public void requireReachable(Instant archivedUpTo) {
        if (!isLatest() && time.isAfter(archivedUpTo)) {
            throw new RefusedException("restore: " + describe() + " is after the newest WAL the archive can hold ("
                    + PG_TIME.format(archivedUpTo) + ", the primary's clock now): a restore cannot go into the"
                    + " future; nothing was changed");
        }
    }

    /**
     * pgBackRest's arguments: a delta restore (files that match the backup stay) to the time, then promote; or the
     * newest backup and all the archive.
     */
    public List<String> pgbackrestArgs() {
        List<String> args = new ArrayList<>(List.of("--delta"));
        if (isLatest()) {
            args.add("--type=default");
        } else {
            args.addAll(List.of("--type=time", "--target=" + PG_TIME.format(time), "--target-action=promote"));
        }
        args.add("restore");
        return args;
    }
}
