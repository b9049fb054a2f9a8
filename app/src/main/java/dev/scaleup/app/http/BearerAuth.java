package dev.scaleup.app.http;

import static java.util.Objects.requireNonNull;

import dev.scaleup.app.auth.Tokens;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;

/** {@code Authorization: Bearer <token>}; anything missing, malformed, forged or expired is a 401. */
final class BearerAuth {

    private final Tokens tokens;

    BearerAuth(Tokens tokens) {
        this.tokens = requireNonNull(tokens, "tokens is null");
    }

    /** The user id of a valid token, else a 401 (with {@code WWW-Authenticate: Bearer} set on {@code res}). */
    long requireUser(ServerRequest req, ServerResponse res) {
        List<String> values = req.headers().contains(HeaderNames.AUTHORIZATION)
                ? req.headers().get(HeaderNames.AUTHORIZATION).allValues() : List.of();
        if (values.isEmpty()) {
            throw unauthorized(res, "unauthorized", "missing 'Authorization: Bearer <token>' header; get a token"
                    + " from POST /api/sessions");
        }
        if (values.size() > 1) {
            throw unauthorized(res, "invalid_token", "more than one Authorization header");
        }
        String value = values.getFirst().strip();
        int space = value.indexOf(' ');
        if (space < 0 || !value.substring(0, space).equalsIgnoreCase("Bearer")) {
            throw unauthorized(res, "invalid_token", "the Authorization header must be 'Bearer <token>'");
        }
        Tokens.Checked checked = tokens.check(value.substring(space + 1).strip());
        if (checked.valid()) {
            return checked.userId();
        }
        if (checked.problem() == Tokens.Problem.EXPIRED) {
            throw unauthorized(res, "token_expired", "the token has expired; log in again with POST /api/sessions");
        }
        throw unauthorized(res, "invalid_token", "the token is not valid");
    }

    private static ApiException unauthorized(ServerResponse res, String code, String message) {
        res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
        return new ApiException(Status.UNAUTHORIZED_401, code, message);
    }
}
