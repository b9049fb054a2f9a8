package dev.scaleup.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RestoreTargetTest {

    private static BackupInfo.Entry backup(String label, String stop) {
        Instant end = Instant.parse(stop);
        return new BackupInfo.Entry(label, "full", end.minusSeconds(10), end, 1, 1, 1, 1, "a", "b");
    }

    private static BackupInfo info(BackupInfo.Entry... entries) {
        return new BackupInfo("rsp", 0, "ok", List.of(entries), "a", "b");
    }

    @Test
    void acceptsTimestampsAsPostgresPrintsThemAndIso() {
        Instant expected = Instant.parse("2026-11-30T11:20:00.123456Z");
        assertThat(RestoreTarget.at("2026-11-30 11:20:00.123456+00").time()).isEqualTo(expected);
        assertThat(RestoreTarget.at("2026-11-30T11:20:00.123456Z").time()).isEqualTo(expected);
        assertThat(RestoreTarget.at("2026-11-30 12:20:00.123456+01:00").time()).isEqualTo(expected);
        assertThat(RestoreTarget.at("2026-11-30 16:50:00.123456+0530").time()).isEqualTo(expected);
        assertThat(RestoreTarget.at("2026-11-30 11:20+00").time()).isEqualTo(Instant.parse("2026-11-30T11:20:00Z"));
    }

    @Test
    void refusesATimestampWithoutZone() {
        assertThatThrownBy(() -> RestoreTarget.at("2026-11-30 11:20:00")).isInstanceOf(RefusedException.class)
                .hasMessageContaining("time zone");
        assertThatThrownBy(() -> RestoreTarget.at("yesterday")).isInstanceOf(RefusedException.class);
    }

    @Test
    void pgbackrestArgumentsForATimeAndForLatest() {
        assertThat(RestoreTarget.at("2026-11-30T11:20:00.5Z").pgbackrestArgs()).containsExactly("--delta",
                "--type=time", "--target=2026-11-30 11:20:00.500000+00", "--target-action=promote", "restore");
        assertThat(RestoreTarget.latest().pgbackrestArgs()).containsExactly("--delta", "--type=default", "restore");
    }

    @Test
    void startsFromTheNewestBackupThatEndedBeforeTheTarget() {
        BackupInfo info = info(backup("F1", "2026-11-30T10:00:00Z"), backup("F2", "2026-11-30T11:00:00Z"),
                backup("F3", "2026-11-30T12:00:00Z"));
        assertThat(RestoreTarget.at("2026-11-30 11:30:00+00").backup(info).label()).isEqualTo("F2");
        assertThat(RestoreTarget.latest().backup(info).label()).isEqualTo("F3");
    }

    @Test
    void refusesWhenNoBackupEndedBeforeTheTarget() {
        BackupInfo info = info(backup("F1", "2026-11-30T10:00:00Z"));
        assertThatThrownBy(() -> RestoreTarget.at("2026-11-30 09:59:59+00").backup(info))
                .isInstanceOf(RefusedException.class).hasMessageContaining("no backup ended before")
                .hasMessageContaining("F1");
        assertThatThrownBy(() -> RestoreTarget.latest().backup(info("rsp")))
                .isInstanceOf(RefusedException.class).hasMessageContaining("no backup yet");
    }

    private static BackupInfo info(String stanza) {
        return new BackupInfo(stanza, 2, "no valid backups", List.of(), null, null);
    }

    @Test
    void refusesATargetAfterWhatTheArchiveCanHold() {
        Instant now = Instant.parse("2026-11-30T11:00:00Z");
        RestoreTarget.at("2026-11-30 10:59:59+00").requireReachable(now);
        RestoreTarget.latest().requireReachable(now);
        assertThatThrownBy(() -> RestoreTarget.at("2026-11-30 11:00:01+00").requireReachable(now))
                .isInstanceOf(RefusedException.class).hasMessageContaining("after the newest WAL");
    }
}
