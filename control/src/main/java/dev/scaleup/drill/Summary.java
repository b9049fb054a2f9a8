package dev.scaleup.drill;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The table `drill all` prints at the end: one line per scenario. Pure. */
public final class Summary {

    private Summary() {
    }

    public static String table(List<DrillResult> results, List<String> skipped) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"SCENARIO", "RESULT", "LONGEST GAP", "FAULT→1ST OK", "FAULT→1ST WRITE", "FAULT→HEALTHY",
            "OPERATION", "SERVED DURING OP", "LONGEST WRITE GAP", "REQUESTS", "FAILED", "5XX", "RETRIES", "P50", "P99",
            "LOST", "DUP", "FAILED CHECKS"});
        for (DrillResult r : results) {
            Recovery rec = r.recovery();
            rows.add(new String[] {r.scenario(), r.passed() ? "PASS" : "FAIL", ms(rec.longestGapMs()),
                ms(rec.faultToFirstSuccessMs()), ms(rec.faultToFirstWriteMs()), ms(rec.faultToHealthyMs()),
                rec.operationMs() == null ? "-" : ms(rec.operationMs()),
                rec.servedDuringOperation() == null ? "-" : rec.servedDuringOperation().toString(),
                ms(rec.longestWriteGapMs()),
                Long.toString(r.load().requests()), Long.toString(r.load().failedRequests()),
                Long.toString(r.load().http5xx()), Long.toString(r.load().retries()),
                ms(r.load().latencyMs().p50()), ms(r.load().latencyMs().p99()),
                r.data() == null ? "?" : Long.toString(r.data().lost()),
                r.data() == null ? "?" : Long.toString(r.data().duplicated()),
                r.failedChecks().isEmpty() ? "-" : String.join("; ", r.failedChecks().stream()
                        .map(c -> c.name() + " " + oneLine(c.measured())).toList())});
        }
        for (String s : skipped) {
            rows.add(new String[] {s, "SKIPPED", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",
                "the stack was not healthy, or the scenario was refused"});
        }
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                out.append(i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 2) + "s", row[i]));
            }
            out.append('\n');
        }
        return out.toString().stripTrailing();
    }

    static String oneLine(String text) {
        String first = text.lines().findFirst().orElse("");
        return first.length() > 100 ? first.substring(0, 100) + "…" : first;
    }

    static String ms(Double millis) {
        if (millis == null) {
            return "never";
        }
        return millis >= 1000 ? String.format(Locale.ROOT, "%.2f s", millis / 1000)
                : String.format(Locale.ROOT, "%.1f ms", millis);
    }
}
