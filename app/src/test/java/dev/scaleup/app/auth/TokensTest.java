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

    @Test
    void signaturesMadeAtOnceOnManyThreadsAreRight() throws Exception {
        // every signature is a clone of one keyed Mac: clones taken at the same time must not share a state
        java.util.List<java.util.concurrent.Callable<Boolean>> work = new java.util.ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int base = t * 1_000;
            work.add(() -> {
                for (int i = 1; i <= 500; i++) {
                    Tokens.Issued issued = tokens.issue(base + i);
                    if (!tokens.check(issued.token()).equals(new Tokens.Checked(base + i, null))) {
                        return false;
                    }
                }
                return true;
            });
        }
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            for (var result : pool.invokeAll(work)) {
                assertThat(result.get()).isTrue();
            }
        }
    }

    @Test
    void theSignatureIsHmacSha256OfThePayloadWithTheKey() throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String token = tokens.issue(42).token();
        Base64.Decoder b64 = Base64.getUrlDecoder();
        String[] parts = token.split("\\.");

        assertThat(b64.decode(parts[1])).isEqualTo(mac.doFinal(b64.decode(parts[0])));
    }

    @Test
    void theHandWrittenChecksAcceptWhatTheGrammarsAccept() {
        // the token's grammar as it was written before the checks were done by hand
        java.util.regex.Pattern shape = java.util.regex.Pattern.compile("([A-Za-z0-9_-]{1,100})\\.([A-Za-z0-9_-]{43})");
        java.util.regex.Pattern fields = java.util.regex.Pattern.compile("v1:([1-9][0-9]{0,18}):([0-9]{1,12})");
        java.util.Random random = new java.util.Random(42);
        String alphabet = "aZ09-_.:=+/ v1";
        String digits = "0123456789:";
        int accepted = 0;
        for (int i = 0; i < 200_000; i++) {
            StringBuilder token = new StringBuilder();
            int payloadLength = random.nextInt(103);
            for (int k = 0; k < payloadLength; k++) {
                token.append(random.nextInt(20) == 0 ? alphabet.charAt(random.nextInt(alphabet.length())) : 'A');
            }
            token.append(random.nextInt(10) == 0 ? "" : ".");
            int signatureLength = 41 + random.nextInt(4);
            for (int k = 0; k < signatureLength; k++) {
                token.append(random.nextInt(60) == 0 ? alphabet.charAt(random.nextInt(alphabet.length())) : 'b');
            }
            String t = token.toString();
            boolean expected = shape.matcher(t).matches();
            accepted += expected ? 1 : 0;
            assertThat(Tokens.shapeOk(t, t.indexOf('.'))).as(t).isEqualTo(expected);

            StringBuilder payload = new StringBuilder(random.nextInt(20) == 0 ? "v2:" : "v1:");
            int length = random.nextInt(36);
            for (int k = 0; k < length; k++) {
                payload.append(random.nextInt(8) == 0 ? digits.charAt(random.nextInt(digits.length()))
                        : (char) ('0' + random.nextInt(10)));
            }
            String p = payload.toString();
            assertThat(Tokens.payloadOk(p, p.indexOf(':', 3))).as(p).isEqualTo(fields.matcher(p).matches());
        }
        assertThat(accepted).as("tokens of the right shape among the random ones").isGreaterThan(1_000);
        for (String p : new String[] {"v1:1:1", "v1:0:1", "v1:1:", "v1::1", "v1:1234567890123456789:123456789012",
            "v1:12345678901234567890:1", "v1:1:1234567890123", "v1", "", "v1:", "v1:1:1:1", "v1:１:1"}) {
            assertThat(Tokens.payloadOk(p, p.indexOf(':', 3))).as(p).isEqualTo(fields.matcher(p).matches());
        }
    }
}
