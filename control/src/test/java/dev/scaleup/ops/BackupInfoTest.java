package dev.scaleup.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Reads what pgBackRest 2.45 printed for `pgbackrest --output=json info` on a stack (saved as a test resource). */
class BackupInfoTest {

    private static String resource(String name) throws IOException {
        try (InputStream in = BackupInfoTest.class.getResourceAsStream("/pgbackrest/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void twoFullBackupsOldestFirstWithTheirWalRanges() throws IOException {
        BackupInfo info = BackupInfo.parse(resource("info-two-full.json"), "bkp");
        assertThat(info.ok()).isTrue();
        assertThat(info.statusMessage()).isEqualTo("ok");
        assertThat(info.backups()).containsExactly(
                new BackupInfo.Entry("20261130-082939F", "full", Instant.ofEpochSecond(1796027379),
                        Instant.ofEpochSecond(1796027389), 30985635, 30985635, 4131984, 4131984,
                        "00000001000000000000000A", "00000001000000000000000A"),
                new BackupInfo.Entry("20261130-083010F", "full", Instant.ofEpochSecond(1796027410),
                        Instant.ofEpochSecond(1796027415), 31034787, 31034787, 4134336, 4134336,
                        "00000001000000000000000C", "00000001000000000000000D"));
        assertThat(info.newest()).map(BackupInfo.Entry::label).contains("20261130-083010F");
        // retention_full 2: the second full expired the WAL only older backups needed (…01 to …09)
        assertThat(info.walMin()).isEqualTo("00000001000000000000000A");
        assertThat(info.walMax()).isEqualTo("00000001000000000000000E");
    }

    @Test
    void anIncrAndADiffCopyOnlyWhatChangedSinceTheirFull() throws IOException {
        BackupInfo info = BackupInfo.parse(resource("info-full-incr-diff.json"), "bkp");
        assertThat(info.backups()).extracting(BackupInfo.Entry::type).containsExactly("full", "full", "incr", "diff");
        assertThat(info.backups().get(2)).isEqualTo(new BackupInfo.Entry("20261130-084222F_20261130-084301I", "incr",
                Instant.ofEpochSecond(1796028181), Instant.ofEpochSecond(1796028186), 193384623, 1016076, 13947792,
                180496, "00000002000000000000002E", "00000002000000000000002E"));
        assertThat(info.newest()).map(BackupInfo.Entry::delta).contains(1204492L);
        // archiving went on across a failover: the archive spans timelines 1 and 2
        assertThat(info.walMin()).isEqualTo("00000001000000000000000C");
        assertThat(info.walMax()).isEqualTo("000000020000000000000032");
    }

    @Test
    void aStanzaWithoutBackupsOrArchiveIsNotAnError() {
        BackupInfo info = BackupInfo.parse("""
                [{"archive":[],"backup":[],"cipher":"aes-256-cbc","db":[],"name":"bkp","repo":[],
                  "status":{"code":2,"lock":{"backup":{"held":false}},"message":"no valid backups"}}]""", "bkp");
        assertThat(info.ok()).isFalse();
        assertThat(info.backups()).isEmpty();
        assertThat(info.newest()).isEmpty();
        assertThat(info.walMin()).isNull();
    }

    @Test
    void anotherStanzaOrNoJsonIsRefused() throws IOException {
        String json = resource("info-two-full.json");
        assertThatThrownBy(() -> BackupInfo.parse(json, "other")).hasMessageContaining("no stanza other");
        assertThatThrownBy(() -> BackupInfo.parse("ERROR: [103]", "bkp")).hasMessageContaining("no JSON");
    }

    @Test
    void sizesAndAgesForPeople() {
        assertThat(Backups.bytes(31034787)).isEqualTo("31.0 MB");
        assertThat(Backups.bytes(4_100)).isEqualTo("4.1 kB");
        assertThat(Backups.bytes(2_500_000_000L)).isEqualTo("2.5 GB");
        assertThat(Backups.age(45)).isEqualTo("45 s");
        assertThat(Backups.age(600)).isEqualTo("10 min");
        assertThat(Backups.age(3 * 3600)).isEqualTo("3 h");
        assertThat(Backups.age(3 * 86_400)).isEqualTo("3 d");
    }
}
