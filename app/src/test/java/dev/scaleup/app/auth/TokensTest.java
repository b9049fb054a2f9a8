package dev.scaleup.app.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokensTest {

    private static final String KEY = "0123456789abcdef0123456789abcdef";
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2025-03-01T10:00:00.700Z"));
    private final Tokens tokens = new Tokens(KEY, Duration.ofHours(1), now::get);

    @Test
    void anIssuedTokenIsValidUntilItsExpiry() {
        Tokens.Issued issued = tokens.issue(42);

        assertThat(issued.userId()).isEqualTo(42);
        assertThat(issued.expiresAt()).isEqualTo(Instant.parse("2025-03-01T11:00:00Z"));
        assertThat(issued.token()).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{43}");
        assertThat(tokens.check(issued.token())).isEqualTo(new Tokens.Checked(42, null));

        now.set(Instant.parse("2025-03-01T10:59:59Z"));
        assertThat(tokens.check(issued.token()).valid()).isTrue();
        now.set(Instant.parse("2025-03-01T11:00:00Z"));
        assertThat(tokens.check(issued.token()).problem()).isEqualTo(Tokens.Problem.EXPIRED);
    }

    @Test
    void anyServerWithTheSameKeyAcceptsTheToken() {
        Tokens other = new Tokens(KEY, Duration.ofMinutes(5), now::get);

        assertThat(other.check(tokens.issue(7).token())).isEqualTo(new Tokens.Checked(7, null));
    }

    @Test
    void anotherKeyMeansABadSignature() {
        Tokens other = new Tokens(KEY + "x", Duration.ofHours(1), now::get);

        assertThat(other.check(tokens.issue(7).token()).problem()).isEqualTo(Tokens.Problem.BAD_SIGNATURE);
    }

    @Test
    void aTamperedPayloadIsRefused() {
        String token = tokens.issue(7).token();
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.US_ASCII);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();

        String otherUser = b64.encodeToString(payload.replace("v1:7:", "v1:8:").getBytes(StandardCharsets.US_ASCII));
        String later = b64.encodeToString(payload.replaceFirst(":([0-9]+)$", ":9999999999")
                .getBytes(StandardCharsets.US_ASCII));

        assertThat(tokens.check(otherUser + "." + parts[1]).problem()).isEqualTo(Tokens.Problem.BAD_SIGNATURE);
        assertThat(tokens.check(later + "." + parts[1]).problem()).isEqualTo(Tokens.Problem.BAD_SIGNATURE);
    }

    @Test
    void aSecondSpellingOfTheSameSignatureIsRefused() {
        String token = tokens.issue(7).token();
        char last = token.charAt(token.length() - 1);
        // the last of 43 base64 characters carries 4 bits; its 2 low bits are unused
        char sibling = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                .charAt("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".indexOf(last) ^ 1);

        assertThat(tokens.check(token.substring(0, token.length() - 1) + sibling).valid()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "a.b", "a.b.c", "!!!.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "djE6NzoxNzQwODI2ODAw.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "dmVyeQ.short"})
    void malformedTokensAreRefused(String token) {
        assertThat(tokens.check(token).valid()).isFalse();
        assertThat(tokens.check(token).problem()).isNotEqualTo(Tokens.Problem.EXPIRED);
    }

    @Test
    void overlongAndNullTokensAreMalformed() {
        assertThat(tokens.check(null).problem()).isEqualTo(Tokens.Problem.MALFORMED);
        assertThat(tokens.check("a".repeat(300)).problem()).isEqualTo(Tokens.Problem.MALFORMED);
    }

    @Test
    void aSignedButUnexpectedPayloadIsMalformed() throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] payload = "v2:7:9999999999".getBytes(StandardCharsets.US_ASCII);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();

        String token = b64.encodeToString(payload) + "." + b64.encodeToString(mac.doFinal(payload));

        assertThat(tokens.check(token).problem()).isEqualTo(Tokens.Problem.MALFORMED);
    }
}
