package dev.scaleup.topology;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects the problems of one topology file, each tied to a line (or to no line, as 0). */
final class Problems {

    private record Problem(int line, String message) {}

    private final String file;
    private final List<Problem> problems = new ArrayList<>();

    /** @param file how the file is named in messages, e.g. {@code scaleup.yaml} */
    Problems(String file) {
        this.file = file;
    }

    /** Records a problem; {@code line} 1-based, or 0 when no line applies. Line breaks are flattened: one line per problem. */
    void add(int line, String message) {
        problems.add(new Problem(line, message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip()));
    }

    int size() {
        return problems.size();
    }

    boolean isEmpty() {
        return problems.isEmpty();
    }

    /** Formatted problems, by line (those without a line last), in the order found within a line. */
    List<String> lines() {
        return problems.stream()
                .sorted(Comparator.comparingInt(p -> p.line() > 0 ? p.line() : Integer.MAX_VALUE))
                .map(p -> file + (p.line() > 0 ? ":" + p.line() : "") + ": " + p.message())
                .toList();
    }

    TopologyException exception() {
        return new TopologyException(lines());
    }
}
