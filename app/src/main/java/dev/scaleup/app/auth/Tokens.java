package dev.scaleup.app.auth;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stateless session tokens: {@code base64url(payload) "." base64url(HMAC-SHA256(key, payload))} with the payload
 * {@code v1:<user id>:<expiry epoch seconds>}. Every application server with the same key accepts every token, so a
 * client may land on any server.
 */
public final class Tokens {

    /** A token just issued. */
    public record Issued(String token, long userId, Instant expiresAt) {
    }

    /** Why a token was refused. */
    public enum Problem {
        MALFORMED, BAD_SIGNATURE, EXPIRED
    }

    /** The outcome of checking a token: a user id, or a problem. */
    public record Checked(long userId, Problem problem) {

        public boolean valid() {
            return problem == null;
        }
    }

    private static final String MAC_NAME = "HmacSHA256";
    private static final int MAX_TOKEN_LENGTH = 256;
    private static final int MAC_BYTES = 32;
    private static final Pattern SHAPE = Pattern.compile("([A-Za-z0-9_-]{1,100})\\.([A-Za-z0-9_-]{43})");
    private static final Pattern PAYLOAD = Pattern.compile("v1:([1-9][0-9]{0,18}):([0-9]{1,12})");

    private final SecretKeySpec key;
    private final Duration ttl;
    private final InstantSource clock;

    public Tokens(String key, Duration ttl, InstantSource clock) {
        requireNonNull(key, "key is null");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("key is empty");
        }
        this.key = new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), MAC_NAME);
        this.ttl = requireNonNull(ttl, "ttl is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public Issued issue(long userId) {
        if (userId <= 0) {
            throw new IllegalArgumentException("userId must be positive");
        }
        Instant expiresAt = clock.instant().plus(ttl).truncatedTo(ChronoUnit.SECONDS);
        byte[] payload = ("v1:" + userId + ":" + expiresAt.getEpochSecond()).getBytes(StandardCharsets.US_ASCII);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return new Issued(b64.encodeToString(payload) + "." + b64.encodeToString(mac(payload)), userId, expiresAt);
    }

    /** Checks the signature first (constant time), then the expiry. */
    public Checked check(String token) {
        if (token == null || token.length() > MAX_TOKEN_LENGTH) {
            return new Checked(0, Problem.MALFORMED);
        }
        Matcher shape = SHAPE.matcher(token);
        if (!shape.matches()) {
            return new Checked(0, Problem.MALFORMED);
        }
        byte[] payload;
        byte[] signature;
        try {
            payload = Base64.getUrlDecoder().decode(shape.group(1));
            signature = Base64.getUrlDecoder().decode(shape.group(2));
        } catch (IllegalArgumentException e) {
            return new Checked(0, Problem.MALFORMED);
        }
        // one spelling per token: base64 leaves unused low bits in the last character, reject any other spelling
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        if (!b64.encodeToString(payload).equals(shape.group(1)) || !b64.encodeToString(signature)
                .equals(shape.group(2))) {
            return new Checked(0, Problem.MALFORMED);
        }
        if (signature.length != MAC_BYTES || !MessageDigest.isEqual(mac(payload), signature)) {
            return new Checked(0, Problem.BAD_SIGNATURE);
        }
        Matcher fields = PAYLOAD.matcher(new String(payload, StandardCharsets.US_ASCII));
        if (!fields.matches()) {
            return new Checked(0, Problem.MALFORMED);
        }
        long userId;
        try {
            userId = Long.parseLong(fields.group(1));
        } catch (NumberFormatException e) {
            return new Checked(0, Problem.MALFORMED);
        }
        long expiry = Long.parseLong(fields.group(2));
        if (clock.instant().getEpochSecond() >= expiry) {
            return new Checked(userId, Problem.EXPIRED);
        }
        return new Checked(userId, null);
    }

    private byte[] mac(byte[] payload) {
        try {
            Mac mac = Mac.getInstance(MAC_NAME);
            mac.init(key);
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(MAC_NAME + " is not available", e);
        }
    }
}
