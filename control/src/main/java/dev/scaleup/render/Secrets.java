package dev.scaleup.render;

import static java.util.Objects.requireNonNull;

/**
 * Generated credentials of one deployment. Kept in the state directory with mode 0600; never printed or logged.
 *
 * @param replicationPassword password of the PostgreSQL role {@code replicator}
 * @param appDbPassword password of the application's database user
 * @param superuserPassword password of the PostgreSQL superuser (Patroni's pg_rewind connects with it)
 * @param appTokenKey the key every app server signs and checks session tokens with
 * @param appDbUser the login role the app servers connect as, when {@code scaleup secrets rotate app-db} has moved
 *     them to the other one of {@link AppLogins#of}; null means the topology's {@code db.user}
 * @param backupCipherPass the passphrase the pgBackRest repository is encrypted with ({@code repo1-cipher-pass});
 *     null in a deployment made before backups existed (it cannot have a backup host: enabling one takes a new up)
 */
public record Secrets(String replicationPassword, String appDbPassword, String superuserPassword, String appTokenKey,
                      String appDbUser, String backupCipherPass) {

    /** Secrets of a deployment whose app servers log in as the topology's {@code db.user}. */
    public Secrets(String replicationPassword, String appDbPassword, String superuserPassword, String appTokenKey) {
        this(replicationPassword, appDbPassword, superuserPassword, appTokenKey, null, null);
    }

    public Secrets(String replicationPassword, String appDbPassword, String superuserPassword, String appTokenKey,
                   String appDbUser) {
        this(replicationPassword, appDbPassword, superuserPassword, appTokenKey, appDbUser, null);
    }

    /** The same secrets with the repository's passphrase. */
    public Secrets withBackupCipherPass(String pass) {
        return new Secrets(replicationPassword, appDbPassword, superuserPassword, appTokenKey, appDbUser, pass);
    }

    public Secrets {
        requireNonNull(replicationPassword, "replicationPassword is null");
        requireNonNull(appDbPassword, "appDbPassword is null");
        requireNonNull(superuserPassword, "superuserPassword is null");
        requireNonNull(appTokenKey, "appTokenKey is null");
    }

    @Override
    public String toString() {
        return "Secrets[redacted]";
    }
}
