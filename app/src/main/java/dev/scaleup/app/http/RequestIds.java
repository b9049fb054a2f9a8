package dev.scaleup.app.http;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** Takes the caller's {@code X-Request-Id} when it is sane, else makes a new one. */
final class RequestIds {

    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:@/+=-]{1,128}");

    private RequestIds() {
    }

    static String fromOrNew(Optional<String> given) {
        return given.map(String::strip).filter(id -> SANE.matcher(id).matches())
                .orElseGet(() -> UUID.randomUUID().toString());
    }
}
