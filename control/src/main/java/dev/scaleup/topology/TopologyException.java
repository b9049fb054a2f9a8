package dev.scaleup.topology;

import java.util.List;

/**
 * The topology file could not be read or is invalid. Holds every problem found, one line each, in the form
 * {@code file:line: message} (or {@code file: message} when no line applies); {@link #getMessage()} joins them
 * with newlines.
 */
public final class TopologyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public TopologyException(List<String> problems) {
        super(String.join("\n", problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a TopologyException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public TopologyException(String problem) {
        this(List.of(problem));
    }

    /** Every problem, one line each, ordered by line in the file. */
    public List<String> problems() {
        return problems;
    }
}
