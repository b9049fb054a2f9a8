package dev.scaleup.topology;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/** Reads YAML text into a {@link YamlNode} tree with line numbers, walking Jackson's streaming parser once. */
final class YamlReader {

    /** The text is not well-formed YAML; parsing cannot go on past this point. */
    static final class MalformedYamlException extends Exception {

        private static final long serialVersionUID = 1L;

        private final int line;

        MalformedYamlException(int line, String reason) {
            super(reason);
            this.line = line;
        }

        /** 1-based, or 0 when the parser gave no position. */
        int line() {
            return line;
        }
    }

    private static final YAMLFactory FACTORY = YAMLFactory.builder()
            // "key:" with nothing after it is a null, while "key: ''" stays an empty string
            .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
            .build();

    private YamlReader() {}

    /**
     * Parses one YAML document. Returns null for a document with no content (empty, only comments, a bare
     * {@code ---}). A second document is reported to {@code problems}; the first is still returned.
     */
    static YamlNode read(String text, Problems problems) throws MalformedYamlException {
        try (JsonParser parser = FACTORY.createParser(text)) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                return null;
            }
            YamlNode root = node(parser, token);
            if (parser.nextToken() != null) {
                problems.add(line(parser), "a second YAML document starts here; the file must hold exactly one (remove the '---' before it)");
            }
            return root instanceof YamlNode.Scalar s && s.kind() == YamlNode.Kind.NULL ? null : root;
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading from a String: does not happen
        }
    }

    private static YamlNode node(JsonParser parser, JsonToken token) throws IOException {
        int line = line(parser);
        return switch (token) {
            case START_OBJECT -> {
                List<YamlNode.Entry> entries = new ArrayList<>();
                for (JsonToken t = parser.nextToken(); t == JsonToken.FIELD_NAME; t = parser.nextToken()) {
                    String key = parser.currentName();
                    int keyLine = line(parser);
                    entries.add(new YamlNode.Entry(key, keyLine, node(parser, parser.nextToken())));
                }
                yield new YamlNode.Mapping(entries, line);
            }
            case START_ARRAY -> {
                List<YamlNode> items = new ArrayList<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    items.add(node(parser, t));
                }
                yield new YamlNode.Sequence(items, line);
            }
            case VALUE_NUMBER_INT -> scalar(YamlNode.Kind.INTEGER, parser, line);
            case VALUE_NUMBER_FLOAT -> scalar(YamlNode.Kind.FLOAT, parser, line);
            case VALUE_TRUE, VALUE_FALSE -> scalar(YamlNode.Kind.BOOLEAN, parser, line);
            case VALUE_NULL -> scalar(YamlNode.Kind.NULL, parser, line);
            default -> scalar(parser instanceof YAMLParser y && y.isCurrentAlias() ? YamlNode.Kind.ALIAS : YamlNode.Kind.STRING, parser, line);
        };
    }

    private static YamlNode.Scalar scalar(YamlNode.Kind kind, JsonParser parser, int line) throws IOException {
        String text = parser.getText();
        return new YamlNode.Scalar(kind, text == null ? "" : text, kind == YamlNode.Kind.INTEGER ? parser.getBigIntegerValue() : null, line);
    }

    private static int line(JsonParser parser) {
        return Math.max(0, parser.currentTokenLocation().getLineNr());
    }

    /** Turns the parser's multi-line report into a line number and a one-line reason. */
    private static MalformedYamlException malformed(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException m) {
            String problem = m.getProblem() == null ? "" : m.getProblem();
            int line = m.getProblemMark() == null ? 0 : m.getProblemMark().getLine() + 1;
            int contextLine = m.getContextMark() == null ? 0 : m.getContextMark().getLine() + 1;
            boolean atEnd = problem.contains("end of stream") || problem.contains("<stream end>");
            if (atEnd && contextLine > 0) {
                line = contextLine; // the file ended inside something: point at where that something started
            }
            String context = m.getContext();
            String reason;
            if (problem.contains("(TAB)")) {
                reason = "tab character; indent with spaces, YAML does not allow tabs";
            } else {
                reason = problem;
                if (context != null && !context.isBlank()) {
                    reason += " (" + context + (contextLine > 0 && contextLine != line ? " from line " + contextLine : "") + ")";
                }
                reason += hint(problem, context);
            }
            return new MalformedYamlException(line, reason);
        }
        String message = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
        message = message.lines().findFirst().orElse("").replaceAll(": <org\\.yaml.*", "").strip();
        int line = e.getLocation() == null ? 0 : Math.max(0, e.getLocation().getLineNr());
        return new MalformedYamlException(line, message);
    }

    private static String hint(String problem, String context) {
        if (context != null && context.contains("quoted scalar")) {
            return "; is a closing quote missing?";
        }
        if (problem.contains("mapping values are not allowed")) {
            return "; check the indentation, or quote a value that contains ': '";
        }
        if (problem.contains("expected <block end>") || problem.contains("could not find expected ':'")) {
            return "; check the indentation";
        }
        return "";
    }
}
