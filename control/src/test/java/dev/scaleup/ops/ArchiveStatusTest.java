package dev.scaleup.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ArchiveStatusTest {

    @Test
    void archivingWell() {
        assertThat(ArchiveStatus.parse(List.of("000000010000000000000007|4||f|0||-1")))
                .isEqualTo(new ArchiveStatus("000000010000000000000007", 4, null, false, 0));
    }

    @Test
    void aSegmentWaitingBrieflyIsNormal() {
        assertThat(ArchiveStatus.parse(List.of("000000010000000000000007|4||f|1|000000010000000000000008.ready|3")))
                .isEqualTo(new ArchiveStatus("000000010000000000000007", 4, null, false, 1));
    }

    @Test
    void aSegmentWaitingOverAMinuteIsStuck() {
        // archive-push hanging on a repository server that accepts no connection: no attempt has failed yet
        assertThat(ArchiveStatus.parse(List.of("00000002000000000000001F|75||f|1|000000020000000000000020.ready|61")))
                .isEqualTo(new ArchiveStatus("00000002000000000000001F", 75, "000000020000000000000020", true, 1));
    }

    @Test
    void aFailureNewerThanTheLastSuccessIsFailing() {
        assertThat(ArchiveStatus.parse(List.of("000000010000000000000007|75|000000010000000000000008|t|1|000000010000000000000008.ready|5")))
                .isEqualTo(new ArchiveStatus("000000010000000000000007", 75, "000000010000000000000008", true, 1));
    }

    @Test
    void aFreshPrimaryHasArchivedNothingYet() {
        assertThat(ArchiveStatus.parse(List.of("|-1||f|0||-1"))).isEqualTo(new ArchiveStatus(null, -1, null, false, 0));
    }

    @Test
    void anythingElseIsRefused() {
        assertThatThrownBy(() -> ArchiveStatus.parse(List.of())).hasMessageContaining("one row");
        assertThatThrownBy(() -> ArchiveStatus.parse(List.of("a|b"))).hasMessageContaining("7 fields");
    }
}
