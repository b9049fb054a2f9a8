package dev.scaleup.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.topology.Backup;
import org.junit.jupiter.api.Test;

/**
 * When status calls the newest backup overdue: after two of the schedule's intervals, never without a schedule; and
 * which failure of stanza-create is worth another try.
 */
class BackupServiceTest {

    @Test
    void aBackupIsOverdueAfterTwiceTheScheduleAllowsBetweenTwo() {
        assertThat(dev.scaleup.render.BackupSchedule.overdueAfterSeconds(new Backup(true, 2, 60, 10080, 1440))).hasValue(2L * 1440 * 60);
        assertThat(dev.scaleup.render.BackupSchedule.overdueAfterSeconds(new Backup(true, 2, 60, 10080, 0))).hasValue(2L * 10080 * 60);
        assertThat(dev.scaleup.render.BackupSchedule.overdueAfterSeconds(new Backup(true, 2, 60, 0, 30))).hasValue(3600L);
        assertThat(dev.scaleup.render.BackupSchedule.overdueAfterSeconds(new Backup(true, 2, 60, 0, 0))).isEmpty();
    }

    @Test
    void stanzaCreateIsTriedAgainOnlyWhenTheLockIsBusy() {
        // pgBackRest 2.x's message, as CI saw it
        assertThat(BackupService.isLockBusy(new dev.scaleup.runtime.Exec.Result(java.util.List.of("pgbackrest"), 50, "",
                "ERROR: [050]: unable to acquire lock on file '/x/run/pgbackrest/secit-archive.lock': Resource"
                        + " temporarily unavailable\n       HINT: is another pgBackRest process running?"))).isTrue();
        assertThat(BackupService.isLockBusy(new dev.scaleup.runtime.Exec.Result(java.util.List.of("pgbackrest"), 56, "",
                "ERROR: [056]: unable to find primary cluster - cannot proceed"))).isFalse();
    }
}
