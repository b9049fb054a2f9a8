package dev.scaleup.render;

import java.util.ArrayList;
import java.util.List;

/** A line diff for test failure messages: LCS over lines, printed like a unified diff with line numbers. */
final class TextDiff {

    private TextDiff() {}

    /** Empty when equal; otherwise lines prefixed "-" (expected only), "+" (actual only), " " (context). */
    static String diff(String expected, String actual) {
        if (expected.equals(actual)) {
            return "";
        }
        List<String> a = lines(expected);
        List<String> b = lines(actual);
        int[][] lcs = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<String> out = new ArrayList<>();
        List<Boolean> changed = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                out.add("  %4d %4d | %s".formatted(i + 1, j + 1, a.get(i)));
                changed.add(false);
                i++;
                j++;
            } else if (j < b.size() && (i == a.size() || lcs[i][j + 1] >= lcs[i + 1][j])) {
                out.add("+      %4d | %s".formatted(j + 1, b.get(j)));
                changed.add(true);
                j++;
            } else {
                out.add("- %4d      | %s".formatted(i + 1, a.get(i)));
                changed.add(true);
                i++;
            }
        }
        // keep 3 lines of context around changes
        StringBuilder text = new StringBuilder("--- expected (golden)\n+++ actual (rendered)\n");
        int lastPrinted = -1;
        for (int k = 0; k < out.size(); k++) {
            boolean near = false;
            for (int d = -3; d <= 3 && !near; d++) {
                int n = k + d;
                near = n >= 0 && n < out.size() && changed.get(n);
            }
            if (near) {
                if (lastPrinted >= 0 && k > lastPrinted + 1) {
                    text.append("  ...\n");
                }
                text.append(out.get(k)).append('\n');
                lastPrinted = k;
            }
        }
        if (!expected.endsWith("\n") || !actual.endsWith("\n")) {
            text.append("(expected ends with newline: ").append(expected.endsWith("\n"))
                    .append(", actual: ").append(actual.endsWith("\n")).append(")\n");
        }
        return text.toString();
    }

    private static List<String> lines(String text) {
        if (text.isEmpty()) {
            return List.of();
        }
        String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        return List.of(body.split("\n", -1));
    }
}
