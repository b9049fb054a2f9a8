package dev.scaleup.topology;

/**
 * The {@code backup:} section: a pgBackRest repository on a host of its own ({@code backup1}), fed by continuous WAL
 * archiving from whichever db host is primary.
 *
 * @param enabled whether the deployment has the backup host and archives WAL to it
 * @param retentionFull full backups kept in the repository (pgBackRest's {@code repo1-retention-full}); older ones
 *     and the WAL only they need are expired after each backup
 * @param archiveTimeoutSeconds PostgreSQL's {@code archive_timeout}: a WAL segment is switched (and so archived) at
 *     least this often when there are writes, bounding what a restore from the archive can lose
 * @param fullEveryMinutes the backup host's schedule: a full backup when the newest full is this old (0: never)
 * @param incrEveryMinutes and an incremental one when the newest backup of any type is this old (0: never)
 */
public record Backup(boolean enabled, int retentionFull, int archiveTimeoutSeconds, int fullEveryMinutes,
                     int incrEveryMinutes) {

    /** The port pgBackRest's TLS server listens on, on the backup host and on every db host (pgBackRest's default). */
    public static final int TLS_PORT = 8432;

    public static final Backup DEFAULTS = new Backup(TopologyKey.BACKUP_ENABLED.defaultBool(),
            TopologyKey.BACKUP_RETENTION_FULL.defaultInt(), TopologyKey.BACKUP_ARCHIVE_TIMEOUT.defaultInt(),
            TopologyKey.BACKUP_FULL_EVERY.defaultInt(), TopologyKey.BACKUP_INCR_EVERY.defaultInt());

    public Backup {
        if (retentionFull < 1 || archiveTimeoutSeconds < 1) {
            throw new IllegalArgumentException("retentionFull and archiveTimeoutSeconds must be at least 1");
        }
        if (fullEveryMinutes < 0 || incrEveryMinutes < 0) {
            throw new IllegalArgumentException("fullEveryMinutes and incrEveryMinutes must be 0 (never) or more");
        }
    }

    /** With the default schedule. */
    public Backup(boolean enabled, int retentionFull, int archiveTimeoutSeconds) {
        this(enabled, retentionFull, archiveTimeoutSeconds, TopologyKey.BACKUP_FULL_EVERY.defaultInt(),
                TopologyKey.BACKUP_INCR_EVERY.defaultInt());
    }

    public Backup withEnabled(boolean newEnabled) {
        return new Backup(newEnabled, retentionFull, archiveTimeoutSeconds, fullEveryMinutes, incrEveryMinutes);
    }

    /** Whether the backup host takes backups by itself (a schedule of either kind). */
    public boolean scheduled() {
        return fullEveryMinutes > 0 || incrEveryMinutes > 0;
    }
}
