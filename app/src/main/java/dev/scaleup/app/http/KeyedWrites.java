package dev.scaleup.app.http;

import static java.util.Objects.requireNonNull;

import dev.scaleup.app.db.IdempotentWrites;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The {@code Idempotency-Key} header and the answers of writes that carry one. nginx and HAProxy send a keyed request
 * again (to another server) when the first copy got no answer, so every write that takes the header honours it: a
 * copy gets the stored answer of the first, with {@code Idempotent-Replay: true} ({@link IdempotentWrites}).
 */
final class KeyedWrites {

    static final HeaderName IDEMPOTENCY_KEY = HeaderNames.create("Idempotency-Key");
    static final HeaderName IDEMPOTENT_REPLAY = HeaderNames.create("Idempotent-Replay");
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]{1,100}");
    private static final String KEY_RULE = "1..100 characters of A-Z a-z 0-9 _ -";

    private final ReadRouting reads;
    private final Json json;

    KeyedWrites(ReadRouting reads, Json json) {
        this.reads = requireNonNull(reads, "reads is null");
        this.json = requireNonNull(json, "json is null");
    }

    /** The key a write must carry (a transfer), else a 400. */
    static String required(ServerRequest req) {
        return optional(req).orElseThrow(() -> ApiException.badRequest("missing_idempotency_key",
                "the Idempotency-Key header is required: " + KEY_RULE + ", new for each transfer, the same for its"
                        + " retries"));
    }

    /** The key of a write that may carry one; a malformed one is a 400. */
    static Optional<String> optional(ServerRequest req) {
        List<String> values = req.headers().contains(IDEMPOTENCY_KEY)
                ? req.headers().get(IDEMPOTENCY_KEY).allValues() : List.of();
        if (values.isEmpty()) {
            return Optional.empty();
        }
        String key = values.getFirst().strip();
        if (values.size() > 1 || !KEY.matcher(key).matches()) {
            throw ApiException.badRequest("invalid_idempotency_key", "the Idempotency-Key header must be one value"
                    + " of " + KEY_RULE);
        }
        return Optional.of(key);
    }

    /** The answer a write stores with its key and sends. */
    IdempotentWrites.Answer answer(Status status, Object body) {
        return new IdempotentWrites.Answer(status.code(), new String(json.bytes(body), StandardCharsets.UTF_8));
    }

    /** Sends the answer of a write (marking the caller as a recent writer), or throws why there is none. */
    void send(ServerResponse res, IdempotentWrites.Result result, Supplier<ApiException> refused) {
        switch (result) {
            case IdempotentWrites.Answered answered -> {
                if (answered.replay()) {
                    res.header(IDEMPOTENT_REPLAY, "true");
                }
                reads.wrote(res);
                json.sendJson(res, Status.create(answered.answer().status()),
                        answered.answer().body().getBytes(StandardCharsets.UTF_8));
            }
            case IdempotentWrites.KeyReused reused -> throw keyReused();
            case IdempotentWrites.Refused refusal -> throw refused.get();
        }
    }

    static ApiException keyReused() {
        return new ApiException(Status.UNPROCESSABLE_CONTENT_422, "idempotency_key_reused",
                "this Idempotency-Key was used for another request; use a new key");
    }
}
