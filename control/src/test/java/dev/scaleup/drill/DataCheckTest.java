package dev.scaleup.drill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.loadgen.TransferRecord;
import dev.scaleup.loadgen.TransferRecord.Fate;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataCheckTest {

    static final DataCheck.Balances BEFORE = new DataCheck.Balances(20, 2_000_000, 0);

    static TransferRecord t(String key, Fate fate) {
        return new TransferRecord(key, "1", "2", 10, fate == Fate.ACKNOWLEDGED ? "id-" + key : null, fate, 0, 1);
    }

    static DataCheck.Row row(String key) {
        return new DataCheck.Row(key, "1", "2", 10, "id-" + key);
    }

    @Test
    void everythingAcknowledgedOnceAndNothingElseIsClean() {
        DataCheck.Result r = DataCheck.compare(
                List.of(t("a", Fate.ACKNOWLEDGED), t("b", Fate.ACKNOWLEDGED), t("c", Fate.UNKNOWN), t("d", Fate.UNKNOWN),
                        t("e", Fate.REJECTED)),
                List.of(row("a"), row("b"), row("c")), BEFORE, BEFORE);
        assertThat(r.ok()).isTrue();
        assertThat(r.acknowledged()).isEqualTo(2);
        assertThat(r.unknown()).isEqualTo(2);
        assertThat(r.unknownApplied()).isEqualTo(1);
        assertThat(r.rejected()).isEqualTo(1);
        assertThat(r.examples()).isEmpty();
    }

    @Test
    void lostDuplicatedChangedAndUnexpectedWritesAreCounted() {
        DataCheck.Result r = DataCheck.compare(
                List.of(t("lost", Fate.ACKNOWLEDGED), t("twice", Fate.ACKNOWLEDGED), t("unk2", Fate.UNKNOWN),
                        t("changed", Fate.ACKNOWLEDGED), t("rej", Fate.REJECTED)),
                List.of(row("twice"), row("twice"), row("unk2"), row("unk2"),
                        new DataCheck.Row("changed", "1", "3", 10, "id-changed"), row("rej"), row("ghost")),
                BEFORE, BEFORE);
        assertThat(r.ok()).isFalse();
        assertThat(r.lost()).isEqualTo(1);
        assertThat(r.duplicated()).isEqualTo(2);
        assertThat(r.mismatched()).isEqualTo(1);
        assertThat(r.rejectedApplied()).isEqualTo(1);
        assertThat(r.unexpected()).isEqualTo(1);
        assertThat(r.examples()).anyMatch(e -> e.contains("acknowledged but missing: lost"))
                .anyMatch(e -> e.contains("applied 2 times: twice"))
                .anyMatch(e -> e.contains("no client sent: ghost"));
    }

    @Test
    void balancesMustAddUpAndStayPositive() {
        DataCheck.Result moved = DataCheck.compare(List.of(), List.of(), BEFORE, new DataCheck.Balances(20, 1_999_990, 0));
        assertThat(moved.balancesConserved()).isFalse();
        assertThat(moved.sumDifferenceCents()).isEqualTo(-10);
        assertThat(moved.ok()).isFalse();
        DataCheck.Result negative = DataCheck.compare(List.of(), List.of(), BEFORE, new DataCheck.Balances(20, 2_000_000, 1));
        assertThat(negative.ok()).isFalse();
    }
}
