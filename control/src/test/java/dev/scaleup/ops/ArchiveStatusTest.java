package dev.scaleup.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ArchiveStatusTest {

    @Test
    void archivingWell() {
        assertThat(ArchiveStatus.parse(List.of("000000010000000000000007|4||f")))
                .isEqualTo(new ArchiveStatus("000000010000000000000007", 4, null, false));
    }

    @Test
    void aFailureNewerThanTheLastSuccessIsFailing() {
        assertThat(ArchiveStatus.parse(List.of("000000010000000000000007|75|000000010000000000000008|t")).failing()).isTrue();
    }

    @Test
    void aFreshPrimaryHasArchivedNothingYet() {
        assertThat(ArchiveStatus.parse(List.of("|-1||f"))).isEqualTo(new ArchiveStatus(null, -1, null, false));
    }

    @Test
    void anythingElseIsRefused() {
        assertThatThrownBy(() -> ArchiveStatus.parse(List.of())).hasMessageContaining("one row");
        assertThatThrownBy(() -> ArchiveStatus.parse(List.of("a|b"))).hasMessageContaining("4 fields");
    }
}
