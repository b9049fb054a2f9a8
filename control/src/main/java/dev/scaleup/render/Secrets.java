package dev.scaleup.render;

import static java.util.Objects.requireNonNull;

/**
 * Generated credentials of one deployment. Kept in the state directory with mode 0600; never printed or logged.
 *
 * @param replicationPassword password of the PostgreSQL role {@code replicator}
 * @param appDbPassword password of the application's database user
 */
public record Secrets(String replicationPassword, String appDbPassword) {

    public Secrets {
        requireNonNull(replicationPassword, "replicationPassword is null");
        requireNonNull(appDbPassword, "appDbPassword is null");
    }

    @Override
    public String toString() {
        return "Secrets[redacted]";
    }
}
