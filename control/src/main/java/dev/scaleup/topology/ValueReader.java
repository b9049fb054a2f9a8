package dev.scaleup.topology;

import static java.util.Objects.requireNonNull;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads the value of a key from a {@link Block} the way the key's {@link TopologyKey.Shape} says. A bad value is
 * reported to {@link Problems} (at its line, naming the key, what was found and what is allowed) and replaced by the
 * key's default, or by null where no default would do, so the rest of the file is still checked.
 */
final class ValueReader {

    private static final Pattern QUOTED_INTEGER = Pattern.compile("\\s*[-+]?[0-9]+\\s*");

    private final Problems problems;
    private final Path baseDir;
    private final boolean checkFiles;

    /**
     * @param baseDir the directory relative file paths are resolved against: the topology file's directory
     * @param checkFiles whether a file must exist and be readable (the only filesystem access)
     */
    ValueReader(Problems problems, Path baseDir, boolean checkFiles) {
        this.problems = requireNonNull(problems, "problems is null");
        this.baseDir = requireNonNull(baseDir, "baseDir is null");
        this.checkFiles = checkFiles;
    }

    /** An integer in the key's range; the default when absent or invalid (then with a problem). */
    int integer(Block block, TopologyKey key) {
        TopologyKey.Shape.IntRange range = (TopologyKey.Shape.IntRange) key.shape();
        YamlNode.Entry entry = block.get(key);
        if (entry == null) {
            return key.defaultInt();
        }
        String path = block.path(key);
        if (!(entry.value() instanceof YamlNode.Scalar s) || s.kind() != YamlNode.Kind.INTEGER) {
            String got = describe(entry.value());
            if (entry.value() instanceof YamlNode.Scalar s && s.kind() == YamlNode.Kind.STRING
                    && QUOTED_INTEGER.matcher(s.text()).matches()) {
                got += " (a string because of the quotes; remove them)";
            }
            add(entry, "'%s' must be an integer, got %s", path, got);
            return key.defaultInt();
        }
        if (s.integer().compareTo(BigInteger.valueOf(range.min())) < 0
                || s.integer().compareTo(BigInteger.valueOf(range.max())) > 0) {
            if (range.min() == range.max()) {
                add(entry, "'%s' must be %d, got %s", path, range.min(), s.text());
            } else {
                add(entry, "'%s' must be between %d and %d, got %s", path, range.min(), range.max(), s.text());
            }
            return key.defaultInt();
        }
        return s.integer().intValue();
    }

    /** true or false; the default when absent or invalid (then with a problem). */
    boolean bool(Block block, TopologyKey key) {
        YamlNode.Entry entry = block.get(key);
        if (entry == null) {
            return key.defaultBool();
        }
        if (entry.value() instanceof YamlNode.Scalar s && s.kind() == YamlNode.Kind.BOOLEAN) {
            return List.of("true", "yes", "on", "y").contains(s.text().toLowerCase(Locale.ROOT));
        }
        add(entry, "'%s' must be true or false, got %s", block.path(key), describe(entry.value()));
        return key.defaultBool();
    }

    /**
     * A file path, relative to the topology file or absolute; null when absent or empty. When files are checked
     * ({@code checkFiles}) it must be a readable regular file.
     */
    Path file(Block block, TopologyKey key) {
        if (!block.given(key)) {
            return null;
        }
        YamlNode.Entry entry = block.get(key);
        String text = string(block, key);
        if (text == null) {
            return null;
        }
        Path path;
        try {
            path = baseDir.resolve(text).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            add(entry, "'%s' must be a file path, got %s (%s)", block.path(key), quote(text), e.getReason());
            return null;
        }
        if (checkFiles && !(Files.isRegularFile(path) && Files.isReadable(path))) {
            add(entry, "'%s' must be a readable file, got %s (resolves to %s, which %s)", block.path(key), quote(text),
                    path, Files.exists(path) ? "is not a readable regular file" : "does not exist");
            return null;
        }
        return path;
    }

    /** A string of the key's pattern; its default when absent, null when invalid (then with a problem). */
    String text(Block block, TopologyKey key) {
        TopologyKey.Shape.Text shape = (TopologyKey.Shape.Text) key.shape();
        if (block.get(key) == null) {
            return key.defaultText();
        }
        String value = string(block, key);
        if (value != null && !shape.pattern().matcher(value).matches()) {
            add(block.get(key), "'%s' must be %s, got %s", block.path(key), shape.description(), quote(value));
            return null;
        }
        return value;
    }

    /** An IPv4 address; null when absent or invalid (then with a problem, {@code example} in its message). */
    Ipv4 ipv4(Block block, TopologyKey key, String example) {
        String text = string(block, key);
        if (text == null) {
            return null;
        }
        try {
            return Ipv4.parse(text);
        } catch (IllegalArgumentException e) {
            add(block.get(key), "'%s' must be an IPv4 address like %s, got %s", block.path(key), example, quote(text));
            return null;
        }
    }

    /** Any string; null when absent or not a string (then with a problem). */
    String string(Block block, TopologyKey key) {
        YamlNode.Entry entry = block.get(key);
        if (entry == null) {
            return null;
        }
        if (entry.value() instanceof YamlNode.Scalar s && s.kind() == YamlNode.Kind.STRING) {
            return s.text();
        }
        String got = describe(entry.value());
        if (entry.value() instanceof YamlNode.Scalar s) {
            switch (s.kind()) {
                case BOOLEAN -> got = s.text() + " (YAML reads it as a boolean; quote it: '" + s.text() + "')";
                case INTEGER, FLOAT -> got = s.text() + " (a number; quote it: '" + s.text() + "')";
                default -> { }
            }
        }
        add(entry, "'%s' must be a string, got %s", block.path(key), got);
        return null;
    }


    /** Reports at the entry's value line (its key's line for a mapping or list value). */
    void add(YamlNode.Entry entry, String format, Object... args) {
        int line = entry == null ? 0 : entry.value() instanceof YamlNode.Scalar s ? s.line() : entry.line();
        problems.add(line, String.format(Locale.ROOT, format, args));
    }

    /** What a value is, for "got ...": {@code 'three'}, {@code 2.5}, {@code a list}. */
    static String describe(YamlNode node) {
        return switch (node) {
            case YamlNode.Mapping m -> "a mapping";
            case YamlNode.Sequence s -> "a list";
            case YamlNode.Scalar s -> switch (s.kind()) {
                case STRING -> quote(s.text());
                case INTEGER, FLOAT -> s.text();
                case BOOLEAN -> s.text() + " (a boolean)";
                case NULL -> s.text().isEmpty() ? "nothing (the value is empty)" : s.text() + " (null)";
                case ALIAS -> "the alias *" + s.text() + " (aliases are not supported)";
            };
        };
    }

    /** Single-quoted, one line, at most 60 characters. */
    static String quote(String text) {
        String oneLine = text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
        return "'" + (oneLine.length() > 60 ? oneLine.substring(0, 57) + "..." : oneLine) + "'";
    }
}
