package dev.scaleup.app.http;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Takes the caller's {@code X-Request-Id} when it is sane (1 to 128 of {@code A-Za-z0-9._:@/+=-}), else makes a new
 * one: a random (version 4) UUID. A request id only ties log lines together, so it comes from
 * {@link ThreadLocalRandom}: {@link UUID#randomUUID()} reads the SecureRandom behind a lock, which was 3 % of the
 * app's CPU on {@code GET /api/accounts/me} sent without an id (a JFR profile under wrk).
 */
final class RequestIds {

    static final int MAX_LENGTH = 128;

    private RequestIds() {
    }

    static String fromOrNew(Optional<String> given) {
        return given.map(String::strip).filter(RequestIds::sane).orElseGet(RequestIds::newId);
    }

    static boolean sane(String id) {
        if (id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || "._:@/+=-".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long msb = random.nextLong() & ~0xF000L | 0x4000L; // version 4
        long lsb = random.nextLong() & ~(0x3L << 62) | 1L << 63; // IETF variant
        return new UUID(msb, lsb).toString();
    }
}
