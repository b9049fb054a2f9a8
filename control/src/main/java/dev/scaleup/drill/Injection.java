package dev.scaleup.drill;

import dev.scaleup.loadgen.TransferRecord;
import dev.scaleup.ops.Status;
import java.util.List;

/** One run of a scenario, bound to its target: injects the fault (or runs the operation) and undoes it. */
interface Injection {

    /** The host the fault hits, or the tiers the operation works on. */
    String target();

    /** Returns a sentence saying what it did. */
    String inject() throws Exception;

    /** Returns a sentence saying what it did; runs at most once (see {@link RestoreGuard}). */
    String restore() throws Exception;

    /** Called once, when status first calls the stack healthy again: a scenario with more to verify looks then. */
    default void healthyAgain(Status.Report status) {
    }

    /**
     * Checks only the injection can make, of what it saw while it ran (login-flood: the VIP and the Patroni leader
     * stayed); empty for most scenarios.
     */
    default List<Check> checks() {
        return List.of();
    }

    /**
     * What the database must hold of the transfers the clients sent: what they were told (every scenario but a
     * restore, which discards what came after its target).
     */
    default List<TransferRecord> expected(List<TransferRecord> sent) {
        return sent;
    }

    /** Checks of the rows only the injection can make (a restore: what came after its target is absent). */
    default List<Check> dataChecks(List<TransferRecord> sent, List<DataCheck.Row> rows) {
        return List.of();
    }

    /** deploy-bad-artifact's finding: the failed deploy was rolled back; null for the scenarios that verify nothing. */
    default Boolean rolledBack() {
        return null;
    }
}
