package dev.scaleup.app.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HttpMediaType;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads a JSON request body strictly: {@code Content-Type: application/json} (else 415), at most
 * {@value #MAX_BODY_BYTES} bytes (else 413), valid UTF-8, one JSON object without duplicate keys, only the fields
 * the route knows (else 400 naming the field).
 */
public final class JsonInput {

    public static final int MAX_BODY_BYTES = 64 * 1024;
    /**
     * A refused body up to this size is read and thrown away, so the client reads the 413 and may keep the
     * connection; a larger one is answered with {@code Connection: close} instead of being read.
     */
    static final long DISCARD_MAX_BYTES = 1024 * 1024;
    static final String TOO_LARGE_MESSAGE = "the request body is larger than " + MAX_BODY_BYTES + " bytes";

    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** The body of {@code req} as an object with no other fields than {@code allowed}. */
    public Fields read(ServerRequest req, List<String> allowed) {
        requireJsonContentType(req);
        byte[] bytes = readBody(req);
        return parse(bytes, allowed);
    }

    Fields parse(byte[] bytes, List<String> allowed) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw ApiException.badRequest("invalid_utf8", "the request body is not valid UTF-8");
        }
        if (text.isBlank()) {
            throw ApiException.badRequest("malformed_json", "the request body is empty; expected a JSON object");
        }
        JsonNode node;
        try {
            node = mapper.readTree(text);
        } catch (JacksonException e) {
            throw ApiException.badRequest("malformed_json", "the request body is not valid JSON: "
                    + Printable.cut(e.getOriginalMessage(), 160));
        }
        if (!(node instanceof ObjectNode object)) {
            throw ApiException.badRequest("malformed_json", "the request body must be a JSON object, got "
                    + Fields.typeName(node));
        }
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw ApiException.badRequest("unknown_field", "unknown field '" + Printable.cut(name, 64)
                        + "'; allowed: " + String.join(", ", allowed));
            }
        }
        return new Fields(object);
    }

    private static void requireJsonContentType(ServerRequest req) {
        Optional<HttpMediaType> type;
        try {
            type = req.headers().contentType();
        } catch (RuntimeException e) {
            type = Optional.empty();
        }
        boolean json = type.isPresent()
                && type.get().mediaType().type().equalsIgnoreCase("application")
                && type.get().mediaType().subtype().equalsIgnoreCase("json")
                && type.get().charset().map(c -> c.equalsIgnoreCase("utf-8")).orElse(true);
        if (!json) {
            throw new ApiException(Status.UNSUPPORTED_MEDIA_TYPE_415, "unsupported_media_type",
                    "Content-Type must be application/json (UTF-8), got "
                            + type.map(t -> "'" + Printable.cut(t.text(), 80) + "'").orElse("none"));
        }
    }

    private static byte[] readBody(ServerRequest req) {
        OptionalLong declared = req.headers().contentLength();
        if (declared.isPresent() && declared.getAsLong() > MAX_BODY_BYTES) {
            throw tooLarge(declared.getAsLong() <= DISCARD_MAX_BYTES && discard(req));
        }
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try (InputStream in = req.content().inputStream()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                out.write(buffer, 0, n);
                if (out.size() > MAX_BODY_BYTES) {
                    throw tooLarge(discard(in, DISCARD_MAX_BYTES - out.size()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static ApiException tooLarge(boolean bodyDiscarded) {
        ApiException e = new ApiException(Status.REQUEST_ENTITY_TOO_LARGE_413, "payload_too_large",
                TOO_LARGE_MESSAGE);
        return bodyDiscarded ? e : e.closingConnection();
    }

    /** Reads and drops the body of {@code req} up to {@link #DISCARD_MAX_BYTES}; whether it reached the end. */
    static boolean discard(ServerRequest req) {
        if (!req.content().hasEntity()) {
            return true;
        }
        try (InputStream in = req.content().inputStream()) {
            return discard(in, DISCARD_MAX_BYTES);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean discard(InputStream in, long max) throws IOException {
        byte[] buffer = new byte[8192];
        long left = max;
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            left -= n;
            if (left < 0) {
                return false;
            }
        }
        return true;
    }

    /** The fields of one JSON object, read with type and range checks. */
    public static final class Fields {

        private final ObjectNode object;

        Fields(ObjectNode object) {
            this.object = object;
        }

        private JsonNode required(String name) {
            JsonNode node = object.get(name);
            if (node == null) {
                throw ApiException.badRequest("missing_field", "missing field '" + name + "'");
            }
            return node;
        }

        /** A required string field. */
        public String string(String name) {
            JsonNode node = required(name);
            if (!node.isTextual()) {
                throw wrongType(name, "a string", node);
            }
            return node.textValue();
        }

        /** A required integer field in {@code min..max}; fractions, exponents and strings are wrong types. */
        public long integer(String name, long min, long max) {
            JsonNode node = required(name);
            if (!node.isIntegralNumber()) {
                throw wrongType(name, "an integer", node);
            }
            if (!node.canConvertToLong() || node.longValue() < min || node.longValue() > max) {
                throw ApiException.badRequest("invalid_value", "field '" + name + "' must be " + min + ".." + max
                        + ", got " + Printable.cut(node.asText(), 40));
            }
            return node.longValue();
        }

        private static ApiException wrongType(String name, String expected, JsonNode got) {
            return ApiException.badRequest("wrong_type", "field '" + name + "' must be " + expected + ", got "
                    + typeName(got));
        }

        static String typeName(JsonNode node) {
            if (node == null || node.isMissingNode()) {
                return "nothing";
            }
            if (node.isNumber()) {
                return node.isIntegralNumber() ? "an integer" : "a fractional number";
            }
            return switch (node.getNodeType()) {
                case STRING -> "a string";
                case BOOLEAN -> "a boolean";
                case NULL -> "null";
                case ARRAY -> "an array";
                case OBJECT -> "an object";
                default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
            };
        }
    }

    /** Echoing client-supplied text in messages: control characters replaced, length cut. */
    static final class Printable {

        private Printable() {
        }

        static String cut(String s, int max) {
            if (s == null) {
                return "";
            }
            StringBuilder b = new StringBuilder();
            s.codePoints().limit(max).forEach(c -> b.appendCodePoint(Character.isISOControl(c)
                    || Character.getType(c) == Character.SURROGATE ? '?' : c));
            return s.codePointCount(0, s.length()) > max ? b + "..." : b.toString();
        }
    }
}
