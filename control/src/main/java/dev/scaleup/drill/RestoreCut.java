package dev.scaleup.drill;

import dev.scaleup.loadgen.TransferRecord;
import dev.scaleup.loadgen.TransferRecord.Fate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a restore to the time T must leave of the transfers the clients sent, on the load's clock (microseconds since
 * it started). T was read from the primary's clock between {@code targetFrom} and {@code targetTo}; the restore had
 * stopped every app server at {@code writesStopped}, so a write sent after that was served by the restored
 * database. Pure.
 * <pre>
 *   acknowledged before targetFrom                  committed before T: there, exactly once
 *   sent after targetTo, acknowledged before
 *   writesStopped                                   committed after T, before the restore: absent
 *   sent after writesStopped, acknowledged          committed on the restored database: there, exactly once
 *   anything else (astride T or the stop,
 *   unknown outcome)                                at most once
 *   rejected (a 4xx)                                absent, as always
 * </pre>
 */
record RestoreCut(long targetFrom, long targetTo, long writesStopped) {

    /** The counts behind the check "acknowledged after T: absent". */
    record AfterTarget(long acknowledged, long absent) {
    }

    /** The transfers with the fate the restored database must show: {@link DataCheck} checks them as usual. */
    List<TransferRecord> expected(List<TransferRecord> sent) {
        List<TransferRecord> expected = new ArrayList<>();
        for (TransferRecord t : sent) {
            expected.add(t.fate() == Fate.REJECTED ? t : withFate(t, fate(t)));
        }
        return expected;
    }

    /** Of the writes acknowledged after T and before the restore, how many are absent (all must be). */
    AfterTarget afterTarget(List<TransferRecord> sent, List<DataCheck.Row> rows) {
        Set<String> present = new HashSet<>();
        rows.forEach(r -> present.add(r.key()));
        long acknowledged = 0;
        long absent = 0;
        for (TransferRecord t : sent) {
            if (discarded(t)) {
                acknowledged++;
                absent += present.contains(t.key()) ? 0 : 1;
            }
        }
        return new AfterTarget(acknowledged, absent);
    }

    /** Acknowledged before T: the restore must keep them. */
    long beforeTarget(List<TransferRecord> sent) {
        return sent.stream().filter(this::beforeTarget).count();
    }

    /** Acknowledged by the restored database. */
    long afterRestore(List<TransferRecord> sent) {
        return sent.stream().filter(this::afterRestore).count();
    }

    private Fate fate(TransferRecord t) {
        if (beforeTarget(t) || afterRestore(t)) {
            return Fate.ACKNOWLEDGED;
        }
        // the restore discards them: like a write the server refused, it must not be there
        return discarded(t) ? Fate.REJECTED : Fate.UNKNOWN;
    }

    private boolean beforeTarget(TransferRecord t) {
        return t.fate() == Fate.ACKNOWLEDGED && t.answeredMicros() < targetFrom;
    }

    private boolean afterRestore(TransferRecord t) {
        return t.fate() == Fate.ACKNOWLEDGED && t.sentMicros() > writesStopped;
    }

    private boolean discarded(TransferRecord t) {
        return t.fate() == Fate.ACKNOWLEDGED && t.sentMicros() > targetTo && t.answeredMicros() < writesStopped;
    }

    private static TransferRecord withFate(TransferRecord t, Fate fate) {
        return new TransferRecord(t.key(), t.fromAccount(), t.toAccount(), t.amountCents(),
                fate == Fate.ACKNOWLEDGED ? t.transferId() : null, fate, t.sentMicros(), t.answeredMicros());
    }
}
