package dev.scaleup.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class JsonInputTest {

    private static final List<String> FIELDS = List.of("to_account", "amount_cents");
    private final JsonInput input = new JsonInput();

    private JsonInput.Fields parse(String json) {
        return input.parse(json.getBytes(StandardCharsets.UTF_8), FIELDS);
    }

    private static void assertError(ThrowingCallable call, String code, String messagePart) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status().code()).isEqualTo(400);
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.getMessage()).contains(messagePart);
        });
    }

    @Test
    void readsTypedFields() {
        JsonInput.Fields fields = parse(" {\"to_account\": 12, \"amount_cents\": 1000000000} ");

        assertThat(fields.integer("to_account", 1, Long.MAX_VALUE)).isEqualTo(12);
        assertThat(fields.integer("amount_cents", 1, 1_000_000_000)).isEqualTo(1_000_000_000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "{\"to_account\":1,}", "{'to_account':1}", "{\"to_account\":01}",
        "{\"to_account\":1} {}", "{\"to_account\":NaN}", "{\"to_account\":1,\"to_account\":2}", "// x\n{}",
        "{\"to_account\":1 /* c */}"})
    void malformedJson(String json) {
        assertError(() -> parse(json), "malformed_json", "");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "1", "\"x\"", "null", "true"})
    void notAnObject(String json) {
        assertError(() -> parse(json), "malformed_json", "must be a JSON object");
    }

    @Test
    void emptyAndBlankBodies() {
        assertError(() -> parse(""), "malformed_json", "empty");
        assertError(() -> parse(" \n "), "malformed_json", "empty");
    }

    @Test
    void deepNestingIsRejectedWithoutAStackOverflow() {
        assertError(() -> parse("{\"to_account\":" + "[".repeat(20_000) + "]".repeat(20_000) + "}"),
                "malformed_json", "");
    }

    @ParameterizedTest
    @ValueSource(strings = {"C328", "FF", "C0AF", "EDA080", "F4908080", "E282"})
    void invalidUtf8(String hex) {
        byte[] bad = HexFormat.of().parseHex(hex);
        byte[] body = new byte[bad.length + 4];
        body[0] = '"';
        System.arraycopy(bad, 0, body, 1, bad.length);
        body[bad.length + 1] = '"';
        body[bad.length + 2] = ' ';
        body[bad.length + 3] = ' ';

        assertError(() -> input.parse(body, FIELDS), "invalid_utf8", "UTF-8");
    }

    @Test
    void unknownFieldsAreNamed() {
        assertError(() -> parse("{\"to_account\":1,\"amount_cents\":2,\"from_account\":3}"), "unknown_field",
                "'from_account'");
        assertError(() -> parse("{\"\\u001b[2J\":1}"), "unknown_field", "'?[2J'");
    }

    @Test
    void missingFieldsAreNamed() {
        assertError(() -> parse("{\"to_account\":1}").integer("amount_cents", 1, 10), "missing_field",
                "'amount_cents'");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"100\"|a string", "1.5|a fractional number", "1.0|a fractional number", "1e30|a fractional number",
        "1E2|a fractional number", "-0.0|a fractional number", "null|null", "true|a boolean", "[1]|an array",
        "{}|an object"})
    void wrongTypes(String value, String got) {
        assertError(() -> parse("{\"amount_cents\":" + value + "}").integer("amount_cents", 1, 1_000_000_000),
                "wrong_type", "field 'amount_cents' must be an integer, got " + got);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-0", "-1", "1000000001", "9223372036854775807", "9223372036854775808",
        "-9223372036854775809", "100000000000000000000000000000"})
    void outOfRange(String value) {
        assertError(() -> parse("{\"amount_cents\":" + value + "}").integer("amount_cents", 1, 1_000_000_000),
                "invalid_value", "must be 1..1000000000");
    }

    @Test
    void stringsMustBeStrings() {
        JsonInput.Fields fields = input.parse("{\"email\":42,\"password\":\"pw\"}".getBytes(StandardCharsets.UTF_8),
                List.of("email", "password"));

        assertThat(fields.string("password")).isEqualTo("pw");
        assertError(() -> fields.string("email"), "wrong_type", "field 'email' must be a string, got an integer");
    }
}
