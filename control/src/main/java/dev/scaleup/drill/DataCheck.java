package dev.scaleup.drill;

import dev.scaleup.loadgen.TransferRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Compares what the clients were told with what the database holds. Pure: the rows come from {@link AppDatabase}.
 * <ul>
 *   <li>every acknowledged transfer is in the database exactly once, as acknowledged (from, to, amount, id);</li>
 *   <li>a transfer with unknown outcome is there at most once;</li>
 *   <li>a rejected transfer (the first answer was a 4xx) is not there;</li>
 *   <li>no row carries a key of the run that the clients never sent;</li>
 *   <li>the sum of all balances is what it was before the load, and no balance is negative.</li>
 * </ul>
 */
public final class DataCheck {

    private static final int EXAMPLES = 10;

    private DataCheck() {
    }

    /** A row of {@code transfers}. */
    public record Row(String key, String fromAccount, String toAccount, long amountCents, String id) {
    }

    /** Accounts at one moment: how many, their sum, how many are below zero. */
    public record Balances(long accounts, long sumCents, long negative) {
    }

    /**
     * @param lost acknowledged transfers missing from the database
     * @param duplicated transfers (acknowledged or unknown) applied more than once
     * @param mismatched acknowledged transfers whose row says something else (accounts, amount, id)
     * @param unknownApplied transfers with unknown outcome that the server did apply (once)
     * @param rejectedApplied transfers answered with a 4xx that are applied all the same
     * @param unexpected rows with a key of the run that no client sent
     * @param examples a few of the problems, for people
     */
    public record Result(long acknowledged, long lost, long duplicated, long mismatched, long unknown,
                         long unknownApplied, long rejected, long rejectedApplied, long unexpected,
                         Balances before, Balances after, long sumDifferenceCents, List<String> examples) {

        public boolean balancesConserved() {
            return sumDifferenceCents == 0;
        }

        public boolean ok() {
            return lost == 0 && duplicated == 0 && mismatched == 0 && rejectedApplied == 0 && unexpected == 0
                    && balancesConserved() && after.negative() == 0;
        }
    }

    public static Result compare(List<TransferRecord> transfers, List<Row> rows, Balances before, Balances after) {
        Map<String, List<Row>> byKey = new HashMap<>();
        for (Row row : rows) {
            byKey.computeIfAbsent(row.key(), k -> new ArrayList<>()).add(row);
        }
        long acknowledged = 0;
        long lost = 0;
        long duplicated = 0;
        long mismatched = 0;
        long unknown = 0;
        long unknownApplied = 0;
        long rejected = 0;
        long rejectedApplied = 0;
        List<String> examples = new ArrayList<>();
        Set<String> sent = new HashSet<>();
        for (TransferRecord t : transfers) {
            sent.add(t.key());
            List<Row> found = byKey.getOrDefault(t.key(), List.of());
            if (found.size() > 1) {
                duplicated++;
                example(examples, "applied " + found.size() + " times: " + t.key() + " (" + t.fate() + ")");
            }
            switch (t.fate()) {
                case ACKNOWLEDGED -> {
                    acknowledged++;
                    if (found.isEmpty()) {
                        lost++;
                        example(examples, "acknowledged but missing: " + t.key() + " transfer_id " + t.transferId());
                    } else if (found.size() == 1 && !matches(t, found.get(0))) {
                        mismatched++;
                        example(examples, "acknowledged " + t + " but the row is " + found.get(0));
                    }
                }
                case UNKNOWN -> {
                    unknown++;
                    if (!found.isEmpty()) {
                        unknownApplied++;
                    }
                }
                case REJECTED -> {
                    rejected++;
                    if (!found.isEmpty()) {
                        rejectedApplied++;
                        example(examples, "rejected with a 4xx but applied: " + t.key());
                    }
                }
            }
        }
        long unexpected = 0;
        for (String key : byKey.keySet()) {
            if (!sent.contains(key)) {
                unexpected++;
                example(examples, "row with a key no client sent: " + key);
            }
        }
        return new Result(acknowledged, lost, duplicated, mismatched, unknown, unknownApplied, rejected,
                rejectedApplied, unexpected, before, after, after.sumCents() - before.sumCents(), List.copyOf(examples));
    }

    private static boolean matches(TransferRecord t, Row row) {
        return t.fromAccount().equals(row.fromAccount()) && t.toAccount().equals(row.toAccount())
                && t.amountCents() == row.amountCents()
                && (t.transferId() == null || Objects.equals(t.transferId(), row.id()));
    }

    private static void example(List<String> examples, String text) {
        if (examples.size() < EXAMPLES) {
            examples.add(text);
        }
    }
}
