package dev.scaleup.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The part of on-role-change.sh that keeps an old timeline's last segment out of the archive, run by sh on a pg_wal
 * laid out as a member rewound onto timeline 11 has it: only the segments the switch points are in are marked done.
 */
class RoleChangeSwitchSegmentsTest {

    @TempDir
    Path wal;

    private void run(String want) throws IOException, InterruptedException {
        String script = "want=" + want + "\n" + RoleChange.skipSwitchSegments(wal);
        Process p = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(p.getInputStream().readAllBytes())).isEmpty();
        assertThat(p.exitValue()).isZero();
    }

    private void layOut() throws IOException {
        Files.createDirectories(wal.resolve("archive_status"));
        Files.writeString(wal.resolve("00000002.history"), "1\t0/808D340\tno recovery target specified\n");
        Files.writeString(wal.resolve("0000000B.history"), """
                1\t0/808D340\tno recovery target specified

                2\t0/90D0070\tno recovery target specified

                3\t0/A108EE0\tno recovery target specified

                9\t0/110F6CB0\tno recovery target specified

                10\t1/121105E0\tno recovery target specified
                """);
        for (String segment : new String[] {"000000010000000000000007", "000000010000000000000008",
                "000000020000000000000009", "000000090000000000000011", "0000000A0000000100000012",
                "0000000B0000000100000012", "0000000B0000000100000013"}) {
            Files.writeString(wal.resolve(segment), "wal");
        }
        // a checkpoint already marked one of them ready
        Files.writeString(wal.resolve("archive_status/000000010000000000000008.ready"), "");
        Files.writeString(wal.resolve("archive_status/0000000B0000000100000012.ready"), "");
    }

    private boolean status(String name) {
        return Files.exists(wal.resolve("archive_status").resolve(name));
    }

    @Test
    void aNewPrimaryMarksTheOldTimelinesSwitchSegmentsDone() throws Exception {
        layOut();
        run("false");
        assertThat(status("000000010000000000000008.done")).isTrue();
        assertThat(status("000000010000000000000008.ready")).isFalse();
        assertThat(status("000000020000000000000009.done")).isTrue();
        assertThat(status("000000090000000000000011.done")).isTrue();
        assertThat(status("0000000A0000000100000012.done")).isTrue();
        // a complete segment of an old timeline, and the current timeline's, are archived as usual
        assertThat(status("000000010000000000000007.done")).isFalse();
        assertThat(status("0000000B0000000100000012.ready")).isTrue();
        assertThat(status("0000000B0000000100000012.done")).isFalse();
        assertThat(status("0000000B0000000100000013.done")).isFalse();
        // a switch segment the member does not have gets no status
        assertThat(status("00000003000000000000000A.done")).isFalse();
        run("false");
        assertThat(status("000000010000000000000008.done")).isTrue();
    }

    @Test
    void aReplicaLeavesTheStatusAlone() throws Exception {
        layOut();
        run("true");
        assertThat(status("000000010000000000000008.ready")).isTrue();
        assertThat(status("000000020000000000000009.done")).isFalse();
    }

    @Test
    void withoutAHistoryFileNothingHappens() throws Exception {
        Files.createDirectories(wal.resolve("archive_status"));
        Files.writeString(wal.resolve("000000010000000000000001"), "wal");
        run("false");
        try (var files = Files.list(wal.resolve("archive_status"))) {
            assertThat(files).isEmpty();
        }
    }
}
