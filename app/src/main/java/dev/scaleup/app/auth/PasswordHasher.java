package dev.scaleup.app.auth;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.KeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Password hashes with the JDK's PBKDF2WithHmacSHA256: a random 16-byte salt, a 32-byte hash, stored in one column
 * as {@code pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>}. Hashing is deliberately slow, so at most
 * {@code permits} hashes run at once (the rest wait) and a burst of sign-ups or logins cannot take every core.
 */
public final class PasswordHasher {

    static final String ALGORITHM = "pbkdf2-sha256";
    private static final String JCA_NAME = "PBKDF2WithHmacSHA256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final int MAX_STORED_ITERATIONS = 100_000_000;
    private static final Pattern STORED = Pattern.compile(
            "pbkdf2-sha256\\$([0-9]{1,9})\\$([A-Za-z0-9+/=]{1,64})\\$([A-Za-z0-9+/=]{1,128})");

    private final int iterations;
    private final SecureRandom random = new SecureRandom();
    private final Semaphore permits;
    private final String dummy;

    public PasswordHasher(int iterations, int concurrentHashes) {
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be positive");
        }
        this.iterations = iterations;
        this.permits = new Semaphore(Math.max(1, concurrentHashes));
        this.dummy = hash("dummy password for unknown users");
    }

    /** A new salted hash of {@code password}, in the stored form. */
    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = pbkdf2(password, salt, iterations);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return ALGORITHM + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    /** Whether {@code password} matches {@code stored}; a malformed stored value never matches. Constant time. */
    public boolean verify(String password, String stored) {
        Matcher m = STORED.matcher(stored == null ? "" : stored);
        if (!m.matches()) {
            pbkdf2(password, new byte[SALT_BYTES], iterations); // same cost as a real check
            return false;
        }
        int storedIterations = Integer.parseInt(m.group(1));
        byte[] salt;
        byte[] expected;
        try {
            salt = Base64.getDecoder().decode(m.group(2));
            expected = Base64.getDecoder().decode(m.group(3));
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (storedIterations < 1 || storedIterations > MAX_STORED_ITERATIONS || expected.length == 0) {
            return false;
        }
        byte[] actual = pbkdf2(password, salt, storedIterations, expected.length * 8);
        return MessageDigest.isEqual(expected, actual);
    }

    /**
     * Spends the same time as checking a real password, for a login with an unknown email, so the response time
     * does not tell which emails have accounts.
     */
    public void verifyDummy(String password) {
        verify(password, dummy);
    }

    private byte[] pbkdf2(String password, byte[] salt, int rounds) {
        return pbkdf2(password, salt, rounds, HASH_BITS);
    }

    private byte[] pbkdf2(String password, byte[] salt, int rounds, int bits) {
        char[] chars = password.toCharArray();
        KeySpec spec = new PBEKeySpec(chars, salt, rounds, bits);
        permits.acquireUninterruptibly();
        try {
            return SecretKeyFactory.getInstance(JCA_NAME).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(JCA_NAME + " is not available", e);
        } finally {
            permits.release();
            Arrays.fill(chars, '\0');
        }
    }
}
