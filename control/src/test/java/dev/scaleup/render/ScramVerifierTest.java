package dev.scaleup.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class ScramVerifierTest {

    @Test
    void matchesTheRfc7677ExampleKeys() {
        // RFC 7677's user "user", password "pencil", salt and iteration count; keys computed with Python's
        // hashlib.pbkdf2_hmac and hmac, independently of this code
        byte[] salt = Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");
        assertThat(ScramVerifier.of("pencil", salt, 4096)).isEqualTo("SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$"
                + "WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=");
    }

    @Test
    void aRandomSaltEachTimeAndNeverThePassword() {
        String a = ScramVerifier.of("s3cret-password");
        assertThat(a).startsWith("SCRAM-SHA-256$4096:").doesNotContain("s3cret").isNotEqualTo(ScramVerifier.of("s3cret-password"));
    }

    @Test
    void refusesPasswordsSaslPrepWouldChange() {
        assertThatThrownBy(() -> ScramVerifier.of("pässword")).isInstanceOf(IllegalArgumentException.class);
    }
}
