package dev.scaleup.loadgen;

import static java.util.Objects.requireNonNull;

/**
 * A user the load generator made and signed in.
 *
 * @param accountId the account id as the API wrote it (a JSON number or string), kept as JSON text
 */
public record User(String email, String userId, String accountId, boolean accountIdIsNumber, String token) {

    public User {
        requireNonNull(email, "email is null");
        requireNonNull(accountId, "accountId is null");
        requireNonNull(token, "token is null");
    }
}
