package dev.scaleup.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TextTest {

    private static void invalid(Runnable check, String messagePart) {
        assertThatThrownBy(check::run).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.code()).isEqualTo("invalid_value");
            assertThat(e.getMessage()).contains(messagePart);
        });
    }

    @Test
    void emailsAreTrimmedAndLowerCased() {
        assertThat(Text.email("  Alice@Example.COM\t")).isEqualTo("alice@example.com");
        assertThat(Text.email("a@b")).isEqualTo("a@b");
        assertThat(Text.email("a'; drop table users;--@x.y")).isEqualTo("a'; drop table users;--@x.y");
        assertThat(Text.email("x".repeat(250) + "@a.b")).hasSize(254);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "ab", "@", "a@", "@b", "a@b@c", "no-at-sign", "  @x  "})
    void badEmails(String email) {
        invalid(() -> Text.email(email), "email");
    }

    @Test
    void emailLimitsAndControlCharacters() {
        invalid(() -> Text.email("x".repeat(251) + "@a.b"), "3..254");
        invalid(() -> Text.email("a\u0000b@c.d"), "control");
        invalid(() -> Text.email("a\nb@c.d"), "control");
    }

    @Test
    void passwordsCountCodePointsAndKeepSpaces() {
        assertThat(Text.newPassword(" 1234567")).isEqualTo(" 1234567");
        assertThat(Text.newPassword("😀".repeat(128))).hasSize(256);
        invalid(() -> Text.newPassword("1234567"), "8..128");
        invalid(() -> Text.newPassword("😀".repeat(129)), "8..128");
        invalid(() -> Text.newPassword("abcdefg\ud800"), "surrogate");
        invalid(() -> Text.newPassword("abc\udc00defgh"), "surrogate");
        assertThat(Text.loginPassword("")).isEmpty();
        invalid(() -> Text.loginPassword("p".repeat(129)), "0..128");
    }

    @Test
    void titlesAndBodies() {
        assertThat(Text.title("  Hi  ")).isEqualTo("Hi");
        assertThat(Text.title("t".repeat(200))).hasSize(200);
        invalid(() -> Text.title("t".repeat(201)), "1..200");
        invalid(() -> Text.title("   "), "1..200");
        invalid(() -> Text.title("line\nbreak"), "control");
        assertThat(Text.body("a\r\n\tb")).isEqualTo("a\r\n\tb");
        assertThat(Text.body("b".repeat(10_000))).hasSize(10_000);
        invalid(() -> Text.body("b".repeat(10_001)), "1..10000");
        invalid(() -> Text.body(" \n\t"), "blank");
        invalid(() -> Text.body("nul\u0000"), "control");
        invalid(() -> Text.body("del\u007f"), "control");
    }
}
