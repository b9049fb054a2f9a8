package dev.scaleup.app.db;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** What identifies a keyed write apart from its key: stored with the key, to tell a copy from another request. */
public final class RequestHash {

    private RequestHash() {
    }

    /**
     * The hash of a request's parts (its kind first, e.g. {@code post}, then its fields). Each part is prefixed with
     * its length, so no two lists of parts have the same text.
     */
    public static String of(String... parts) {
        StringBuilder text = new StringBuilder();
        for (String part : parts) {
            text.append(part.length()).append(':').append(part).append(';');
        }
        return sha256Hex(text.toString());
    }

    static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
