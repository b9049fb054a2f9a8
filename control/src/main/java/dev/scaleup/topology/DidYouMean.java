package dev.scaleup.topology;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** Finds the known word a mistyped one was probably meant to be. */
final class DidYouMean {

    private DidYouMean() {}

    /**
     * The candidate nearest to {@code word}, if one is near enough: equal ignoring case and '-'/'_', a prefix of at
     * least 3 characters ({@code heap} for {@code heap_mb}), or within edit distance 1 (words up to 4 characters) or 2
     * (longer words), an adjacent transposition counting as one edit. Ties go to the earlier candidate.
     */
    static Optional<String> nearest(String word, Collection<String> candidates) {
        String w = normalize(word);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            String c = normalize(candidate);
            int d = c.equals(w) ? 0 : (w.length() >= 3 && c.startsWith(w)) ? 1 : distance(w, c);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        int limit = w.length() <= 4 ? 1 : 2;
        return bestDistance <= limit ? Optional.of(best) : Optional.empty();
    }

    /** Lower case without '-', '_' and spaces, so that heapMb, heap-mb and HEAP_MB all read as heapmb. */
    static String normalize(String word) {
        return word.toLowerCase(Locale.ROOT).replaceAll("[-_\\s]", "");
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
