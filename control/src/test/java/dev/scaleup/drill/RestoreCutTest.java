package dev.scaleup.drill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.loadgen.TransferRecord;
import dev.scaleup.loadgen.TransferRecord.Fate;
import java.util.List;
import org.junit.jupiter.api.Test;

class RestoreCutTest {

    /** T read between 10 s and 11 s; the restore had stopped the app servers at 20 s. */
    private static final RestoreCut CUT = new RestoreCut(10_000_000, 11_000_000, 20_000_000);

    private static TransferRecord t(String key, Fate fate, double sentS, double answeredS) {
        return new TransferRecord(key, "1", "2", 5, fate == Fate.ACKNOWLEDGED ? "id-" + key : null, fate,
                (long) (sentS * 1e6), (long) (answeredS * 1e6));
    }

    private static DataCheck.Row row(String key) {
        return new DataCheck.Row(key, "1", "2", 5, "id-" + key);
    }

    private static final List<TransferRecord> SENT = List.of(
            t("before", Fate.ACKNOWLEDGED, 9.0, 9.5),
            t("astride-t", Fate.ACKNOWLEDGED, 9.9, 10.5),
            t("after-t", Fate.ACKNOWLEDGED, 12.0, 12.1),
            t("astride-the-stop", Fate.ACKNOWLEDGED, 19.9, 81.0),
            t("after-restore", Fate.ACKNOWLEDGED, 20.1, 81.1),
            t("unknown-after-t", Fate.UNKNOWN, 12.0, 30.0),
            t("rejected", Fate.REJECTED, 5.0, 5.1));

    @Test
    void beforeTAndAfterTheRestoreMustBeThereAfterTMustNotTheRestAtMostOnce() {
        assertThat(CUT.expected(SENT)).extracting(TransferRecord::key, TransferRecord::fate).containsExactly(
                org.assertj.core.groups.Tuple.tuple("before", Fate.ACKNOWLEDGED),
                org.assertj.core.groups.Tuple.tuple("astride-t", Fate.UNKNOWN),
                org.assertj.core.groups.Tuple.tuple("after-t", Fate.REJECTED),
                org.assertj.core.groups.Tuple.tuple("astride-the-stop", Fate.UNKNOWN),
                org.assertj.core.groups.Tuple.tuple("after-restore", Fate.ACKNOWLEDGED),
                org.assertj.core.groups.Tuple.tuple("unknown-after-t", Fate.UNKNOWN),
                org.assertj.core.groups.Tuple.tuple("rejected", Fate.REJECTED));
        assertThat(CUT.beforeTarget(SENT)).isEqualTo(1);
        assertThat(CUT.afterRestore(SENT)).isEqualTo(1);
    }

    @Test
    void aRestoreThatKeptTheRightRowsPassesTheDataCheck() {
        List<DataCheck.Row> rows = List.of(row("before"), row("astride-t"), row("after-restore"));
        DataCheck.Balances same = new DataCheck.Balances(2, 100, 0);
        DataCheck.Result result = DataCheck.compare(CUT.expected(SENT), rows, same, same);
        assertThat(result.ok()).as(result.examples().toString()).isTrue();
        assertThat(CUT.afterTarget(SENT, rows)).isEqualTo(new RestoreCut.AfterTarget(1, 1));
    }

    @Test
    void aWriteAfterTStillThereOrOneBeforeTMissingIsCaught() {
        DataCheck.Balances same = new DataCheck.Balances(2, 100, 0);
        List<DataCheck.Row> notRestored = List.of(row("before"), row("after-t"), row("after-restore"));
        assertThat(CUT.afterTarget(SENT, notRestored)).isEqualTo(new RestoreCut.AfterTarget(1, 0));
        assertThat(DataCheck.compare(CUT.expected(SENT), notRestored, same, same).rejectedApplied()).isEqualTo(1);
        List<DataCheck.Row> tooFar = List.of(row("after-restore"));
        assertThat(DataCheck.compare(CUT.expected(SENT), tooFar, same, same).lost()).isEqualTo(1);
    }
}
