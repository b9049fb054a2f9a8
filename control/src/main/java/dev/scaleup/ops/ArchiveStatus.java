package dev.scaleup.ops;

import java.util.List;

/**
 * The primary's WAL archiver, from PostgreSQL's {@code pg_stat_archiver} and its archive status directory: the newest
 * segment it archived and when, whether its latest attempt failed, and the segments still waiting. The view is per
 * server: after a failover the new primary's starts empty.
 *
 * <p>Failing means the latest attempt failed, or a segment has waited longer than {@link #STUCK_AFTER_SECONDS}: an
 * archive-push that hangs (a repository server that accepts no connection) fails no attempt for minutes, seen on bkp
 * with backup1's server stopped.
 *
 * @param lastArchivedWal the newest segment archived, or null when none yet on this server
 * @param lastArchivedAgeSeconds seconds since then, or -1
 * @param lastFailedWal the latest segment whose archiving failed, or the oldest one waiting too long, or null
 * @param failing true when archiving does not keep up (see above)
 * @param waiting segments complete but not archived yet
 */
public record ArchiveStatus(String lastArchivedWal, long lastArchivedAgeSeconds, String lastFailedWal, boolean failing,
                            int waiting) {

    /** A segment normally leaves the queue within seconds; one waiting this long means archiving is stuck. */
    public static final int STUCK_AFTER_SECONDS = 60;

    /** The query whose one row {@link #parse} reads (psql -A -t: fields separated by '|'). */
    public static final String QUERY = "select coalesce(last_archived_wal, ''),"
            + " coalesce(extract(epoch from now() - last_archived_time)::bigint, -1), coalesce(last_failed_wal, ''),"
            + " coalesce(last_failed_time > coalesce(last_archived_time, '-infinity'), false),"
            + " (select count(*) from pg_ls_archive_statusdir() where name like '%.ready'),"
            + " coalesce((select min(name) from pg_ls_archive_statusdir() where name like '%.ready'), ''),"
            + " coalesce((select extract(epoch from now() - min(modification))::bigint from pg_ls_archive_statusdir()"
            + " where name like '%.ready'), -1) from pg_stat_archiver";

    public static ArchiveStatus parse(List<String> rows) {
        if (rows.size() != 1) {
            throw new IllegalArgumentException("pg_stat_archiver: expected one row, got " + rows.size());
        }
        String[] f = rows.get(0).split("\\|", -1);
        if (f.length != 7) {
            throw new IllegalArgumentException("pg_stat_archiver: expected 7 fields, got '" + rows.get(0) + "'");
        }
        boolean failed = f[3].equals("t");
        boolean stuck = Long.parseLong(f[6]) > STUCK_AFTER_SECONDS;
        String oldestWaiting = f[5].isEmpty() ? null : f[5].substring(0, f[5].length() - ".ready".length());
        String problem = failed ? f[2] : stuck ? oldestWaiting : f[2].isEmpty() ? null : f[2];
        return new ArchiveStatus(f[0].isEmpty() ? null : f[0], Long.parseLong(f[1]), problem, failed || stuck,
                Integer.parseInt(f[4]));
    }
}
