package dev.scaleup.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.topology.Backup;
import org.junit.jupiter.api.Test;

/** When status calls the newest backup overdue: after two of the schedule's intervals, never without a schedule. */
class BackupServiceTest {

    @Test
    void aBackupIsOverdueAfterTwiceTheScheduleAllowsBetweenTwo() {
        assertThat(BackupService.overdueAfter(new Backup(true, 2, 60, 10080, 1440))).hasValue(2L * 1440 * 60);
        assertThat(BackupService.overdueAfter(new Backup(true, 2, 60, 10080, 0))).hasValue(2L * 10080 * 60);
        assertThat(BackupService.overdueAfter(new Backup(true, 2, 60, 0, 30))).hasValue(3600L);
        assertThat(BackupService.overdueAfter(new Backup(true, 2, 60, 0, 0))).isEmpty();
    }
}
