package dev.scaleup.topology;

import static java.util.Objects.requireNonNull;

import dev.scaleup.topology.TopologyKey.Section;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The entries of one mapping of {@code scaleup.yaml} (the top level or a section). Unknown and duplicate keys are
 * reported as the block is made, an unknown one with the key it is nearest to (in this section, a synonym, or in
 * another section).
 */
final class Block {

    private final Section section;
    /** The mapping's dotted path in messages: the section's, or hosts.NAME for one host's mapping. */
    private final String prefix;
    private final Map<String, YamlNode.Entry> entries = new HashMap<>();

    Block(Section section, List<YamlNode.Entry> list, Problems problems) {
        this(section, section.path(), list, problems);
    }

    /** {@code prefix}: the mapping's path in messages, e.g. {@code hosts.web2} for one host under {@code hosts:}. */
    Block(Section section, String prefix, List<YamlNode.Entry> list, Problems problems) {
        this.section = requireNonNull(section, "section is null");
        this.prefix = requireNonNull(prefix, "prefix is null");
        requireNonNull(problems, "problems is null");
        for (YamlNode.Entry entry : list) {
            if (!section.allowed().contains(entry.key())) {
                problems.add(entry.line(), unknownKey(entry.key()));
                continue;
            }
            YamlNode.Entry first = entries.putIfAbsent(entry.key(), entry);
            if (first != null) {
                problems.add(entry.line(), "duplicate key '" + path(entry.key()) + "' (first on line " + first.line()
                        + "); each key may appear once");
            }
        }
    }

    /** The first entry for the key, or null when the file leaves it out. */
    YamlNode.Entry get(String key) {
        return entries.get(key);
    }

    YamlNode.Entry get(TopologyKey key) {
        return get(key.key());
    }

    /** Whether the file sets the key to something (an empty value sets nothing). */
    boolean given(TopologyKey key) {
        YamlNode.Entry entry = get(key);
        return entry != null && !(entry.value() instanceof YamlNode.Scalar s && s.kind() == YamlNode.Kind.NULL);
    }

    /** The key's dotted path as messages name it: {@code db.port}, {@code hosts.web2.address}. */
    String path(TopologyKey key) {
        return path(key.key());
    }

    /** True when the file has any key in this mapping. */
    boolean isEmpty() {
        return entries.isEmpty();
    }

    private String path(String key) {
        return prefix.isEmpty() ? key : prefix + "." + key;
    }

    private String where() {
        return prefix.isEmpty() ? "at the top level" : "under '" + prefix + "'";
    }

    private String unknownKey(String key) {
        String message = "unknown key '" + path(key) + "'";
        String sectionPath = section.path().isEmpty() ? key : section.path() + "." + key;
        Optional<String> near = TopologyKey.synonym(sectionPath).map(TopologyKey::key)
                .or(() -> DidYouMean.nearest(key, section.allowed()));
        List<String> elsewhere = elsewhere(key);
        int dot = key.indexOf('.');
        if (near.isPresent()) {
            message += "; did you mean '" + path(near.get()) + "'? ";
        } else if (section == Section.TOP && dot >= 0 && Section.byPath(key.substring(0, dot)).isPresent()) {
            message += "; write '" + key.substring(dot + 1) + "' indented under '" + key.substring(0, dot)
                    + ":' instead of a dotted key; ";
        } else if (!elsewhere.isEmpty()) {
            message += "; did you mean " + orList(elsewhere) + "? ";
        } else {
            message += "; ";
        }
        return message + "allowed " + where() + ": " + String.join(", ", section.allowed());
    }

    /** Keys of other sections that {@code key} is near to, as dotted paths: 'subnet' at the top is 'network.subnet'. */
    private List<String> elsewhere(String key) {
        List<String> found = new ArrayList<>();
        for (Section other : Section.values()) {
            if (other != Section.TOP && other != Section.HOST && other != section) {
                for (String k : other.allowed()) {
                    if (DidYouMean.nearest(key, List.of(k)).isPresent()) {
                        found.add(other.path() + "." + k);
                    }
                }
            }
        }
        return found;
    }

    private static String orList(List<String> items) {
        List<String> quoted = items.stream().map(i -> "'" + i + "'").toList();
        if (quoted.size() == 1) {
            return quoted.get(0);
        }
        return String.join(", ", quoted.subList(0, quoted.size() - 1)) + " or " + quoted.get(quoted.size() - 1);
    }
}
