package dev.scaleup.topology;

import java.math.BigInteger;
import java.util.List;

/** A YAML document as a tree whose nodes remember the (1-based) line they start on. */
sealed interface YamlNode permits YamlNode.Mapping, YamlNode.Sequence, YamlNode.Scalar {

    int line();

    /** One {@code key: value} pair; {@code line} is the key's line. */
    record Entry(String key, int line, YamlNode value) {}

    /** A mapping; entries in file order, duplicates kept (the binder reports them). */
    record Mapping(List<Entry> entries, int line) implements YamlNode {
        public Mapping {
            entries = List.copyOf(entries);
        }
    }

    record Sequence(List<YamlNode> items, int line) implements YamlNode {
        public Sequence {
            items = List.copyOf(items);
        }
    }

    enum Kind { STRING, INTEGER, FLOAT, BOOLEAN, NULL, ALIAS }

    /**
     * A scalar as YAML typed it.
     *
     * @param text the text as written (for NULL: empty when no value was written, else e.g. {@code null} or {@code ~};
     *     for ALIAS: the anchor name)
     * @param integer the value when kind is INTEGER, else null
     */
    record Scalar(Kind kind, String text, BigInteger integer, int line) implements YamlNode {}
}
