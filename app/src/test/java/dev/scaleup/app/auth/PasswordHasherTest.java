package dev.scaleup.app.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    private final PasswordHasher hasher = new PasswordHasher(1_000, 2);

    @Test
    void hashesAreSaltedAndVerify() {
        String first = hasher.hash("correct horse");
        String second = hasher.hash("correct horse");

        assertThat(first).matches("pbkdf2-sha256\\$1000\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
        assertThat(first).isNotEqualTo(second);
        assertThat(hasher.verify("correct horse", first)).isTrue();
        assertThat(hasher.verify("correct horse", second)).isTrue();
        assertThat(hasher.verify("correct horsE", first)).isFalse();
        assertThat(hasher.verify("", first)).isFalse();
    }

    @Test
    void matchesTheRfc7914TestVectorOfPbkdf2HmacSha256() {
        // PBKDF2-HMAC-SHA256, P = "password", S = "salt", c = 1, dkLen = 32
        byte[] expected = HexFormat.of().parseHex("120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b");
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        String stored = "pbkdf2-sha256$1$" + b64.encodeToString("salt".getBytes()) + "$" + b64.encodeToString(expected);

        assertThat(hasher.verify("password", stored)).isTrue();
        assertThat(hasher.verify("passwore", stored)).isFalse();
    }

    @Test
    void aHashWithOtherIterationsStillVerifies() {
        String old = new PasswordHasher(2_000, 1).hash("pw-from-before");

        assertThat(old).startsWith("pbkdf2-sha256$2000$");
        assertThat(hasher.verify("pw-from-before", old)).isTrue();
    }

    @Test
    void malformedStoredValuesNeverMatch() {
        for (String stored : new String[] {null, "", "plain", "pbkdf2-sha256$0$AAAA$AAAA", "md5$1$AAAA$AAAA",
            "pbkdf2-sha256$1000$!!$AAAA", "pbkdf2-sha256$999999999$AAAA$AAAA"}) {
            assertThat(hasher.verify("anything", stored)).as(stored).isFalse();
        }
    }

    @Test
    void theDummyCheckRunsWithoutError() {
        hasher.verifyDummy("whatever");
        hasher.verifyDummy("");
    }
}
