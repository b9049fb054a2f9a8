package dev.scaleup.ops;

import java.util.List;

/**
 * The primary's WAL archiver, from PostgreSQL's {@code pg_stat_archiver}: the newest segment it archived and when,
 * and whether its latest attempt failed. The view is per server: after a failover the new primary's starts empty.
 *
 * @param lastArchivedWal the newest segment archived, or null when none yet on this server
 * @param lastArchivedAgeSeconds seconds since then, or -1
 * @param lastFailedWal the latest segment whose archiving failed, or null
 * @param failing true when the latest attempt failed (the failure is newer than the latest success)
 */
public record ArchiveStatus(String lastArchivedWal, long lastArchivedAgeSeconds, String lastFailedWal, boolean failing) {

    /** The query whose one row {@link #parse} reads (psql -A -t: fields separated by '|'). */
    public static final String QUERY = "select coalesce(last_archived_wal, ''),"
            + " coalesce(extract(epoch from now() - last_archived_time)::bigint, -1), coalesce(last_failed_wal, ''),"
            + " coalesce(last_failed_time > coalesce(last_archived_time, '-infinity'), false) from pg_stat_archiver";

    public static ArchiveStatus parse(List<String> rows) {
        if (rows.size() != 1) {
            throw new IllegalArgumentException("pg_stat_archiver: expected one row, got " + rows.size());
        }
        String[] f = rows.get(0).split("\\|", -1);
        if (f.length != 4) {
            throw new IllegalArgumentException("pg_stat_archiver: expected 4 fields, got '" + rows.get(0) + "'");
        }
        return new ArchiveStatus(f[0].isEmpty() ? null : f[0], Long.parseLong(f[1]), f[2].isEmpty() ? null : f[2],
                f[3].equals("t"));
    }
}
