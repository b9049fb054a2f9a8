package dev.scaleup.render;

import dev.scaleup.topology.Topology;
import java.util.List;

/**
 * The two PostgreSQL login roles the app servers alternate between, so that the app's database password can be
 * rotated without a moment in which a running app server's password is refused: {@code db.user} (which owns the
 * database and its tables) and its twin {@code db.user_b}, a member of {@code db.user} whose sessions start as
 * {@code db.user} ({@code ALTER ROLE ... SET role}), so either login sees and owns the same objects.
 *
 * <p>A rotation gives the login not in use a new password, moves the app servers to it one at a time, then removes
 * the old login's password (see {@code ops.SecretRotation}); pg_hba.conf lets both in, from app hosts only.
 */
public final class AppLogins {

    /** PostgreSQL truncates longer identifiers. */
    static final int MAX_NAME = 63;

    private AppLogins() {}

    /** {@code db.user} and its twin, in that order. */
    public static List<String> of(Topology t) {
        return List.of(t.db().user(), twin(t));
    }

    public static String twin(Topology t) {
        String user = t.db().user();
        return (user.length() > MAX_NAME - 2 ? user.substring(0, MAX_NAME - 2) : user) + "_b";
    }

    /** The login the app servers use now. */
    public static String current(Topology t, Secrets secrets) {
        return secrets.appDbUser() == null ? t.db().user() : secrets.appDbUser();
    }

    /** The login a rotation moves the app servers to. */
    public static String next(Topology t, Secrets secrets) {
        return current(t, secrets).equals(t.db().user()) ? twin(t) : t.db().user();
    }
}
