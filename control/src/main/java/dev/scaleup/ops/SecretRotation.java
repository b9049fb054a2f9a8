package dev.scaleup.ops;

import dev.scaleup.render.AppLogins;
import dev.scaleup.render.PatroniConfig;
import dev.scaleup.render.RenderedFile;
import dev.scaleup.render.ScramVerifier;
import dev.scaleup.runtime.Exec;
import dev.scaleup.runtime.Readiness;
import dev.scaleup.runtime.StateDir;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

/**
 * {@code scaleup secrets rotate app-db}: a new password for the application's database login, in use by every app
 * server, the old one no longer valid, without a failed request.
 *
 * <p>PostgreSQL keeps one password per role, and an app server that opens a new connection (a pool refill, a
 * failover) with a password the server no longer knows fails that request. So the app servers alternate between two
 * login roles ({@link AppLogins}: {@code db.user} and {@code db.user_b}, both let in from app hosts only, both acting
 * as {@code db.user}):
 * <pre>
 *   1. the login not in use gets a new password, set on the primary as a SCRAM verifier (the password itself never
 *      reaches the server, its logs or a command line); wait until it logs in on every db host (replicas replay it)
 *   2. secrets.properties (0600) names that login and its password
 *   3. app servers restart one at a time, each drained in nginx first (in-flight requests finish, new ones go to the
 *      others), with app.properties rendered for the new login; each is health-gated (/readyz)
 *   4. the old login's password is removed: it cannot log in any more
 * </pre>
 * While step 3 runs, not-yet-restarted app servers keep using the old login, which stays valid until step 4. An
 * interrupted rotation is finished by running the command again (steps 3 and 4, with the password already stored).
 */
public final class SecretRotation {

    public static final List<String> SECRETS = List.of("app-db");
    /** Set in secrets.properties between steps 2 and 4: the login that must lose its password once no app uses it. */
    static final String PREVIOUS_USER = "app.db.previous.user";
    private static final Duration LOGIN_TIMEOUT = Duration.ofSeconds(60);

    private final Operation op;
    private final StateDir state;
    private final Topology topology;
    private final Tools tools;

    private SecretRotation(Operation op) {
        this.op = op;
        this.state = op.deployment().state();
        this.topology = op.deployment().topology();
        this.tools = op.deployment().tools();
    }

    public static void run(StateDir state, Path repoRoot, String secret, Progress progress) {
        if (!SECRETS.contains(secret)) {
            throw new OperatorException("unknown secret '" + secret + "'; rotatable: " + String.join(", ", SECRETS));
        }
        try (Operation op = Operation.begin(state, repoRoot, "secrets rotate " + secret, progress)) {
            new SecretRotation(op).rotateAppDb();
        }
    }

    void rotateAppDb() {
        Properties stored = state.loadSecrets();
        String unfinished = stored.getProperty(PREVIOUS_USER);
        if (unfinished != null) {
            step("an earlier rotation did not finish: app servers may still log in as " + unfinished + "; finishing it");
            finish(unfinished);
            return;
        }
        Deployment deployment = op.deployment();
        Services services = deployment.services();
        requireAppServersReady(deployment, services);
        String current = AppLogins.current(topology, deployment.secrets());
        String next = AppLogins.next(topology, deployment.secrets());
        step("rotating the app's database password: app servers log in as " + current + " now, will log in as " + next);

        ensurePgHba(deployment, services);
        Host leader = leader(services);
        String password = newPassword();
        String user = topology.db().user();
        psql(deployment, services, leader, String.join("\n",
                "\\set ON_ERROR_STOP on",
                "SELECT format('CREATE ROLE %I LOGIN', " + literal(next) + ")",
                " WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = " + literal(next) + ")\\gexec",
                next.equals(user) ? "" : "GRANT " + identifier(user) + " TO " + identifier(next) + ";",
                next.equals(user) ? "" : "ALTER ROLE " + identifier(next) + " SET role = " + literal(user) + ";",
                "ALTER ROLE " + identifier(next) + " WITH LOGIN PASSWORD " + literal(ScramVerifier.of(password)) + ";",
                ""));
        step("db: gave " + next + " a new password on the primary " + leader.name() + " (set as a SCRAM-SHA-256 verifier)");
        awaitLogin(deployment, next, password);
        step("db: " + next + " logs in with it from the app hosts on every db host ("
                + String.join(", ", topology.hosts(Role.DB).stream().map(Host::name).toList()) + ") and acts as " + user);

        stored.setProperty(StateDir.APP_DB_USER, next);
        stored.setProperty("app.db.password", password);
        stored.setProperty(PREVIOUS_USER, current);
        state.saveSecrets(stored);
        step("secrets: the app servers' login is now " + next + " (secrets.properties, mode 0600)");
        finish(current);
    }

    /** Steps 3 and 4: every app server on the stored login, then the old login's password removed. */
    private void finish(String old) {
        Deployment deployment = op.deployment().reopened(); // reads the stored secrets afresh
        Services services = deployment.services();
        String now = AppLogins.current(topology, deployment.secrets());
        new AppRollout(op.on(deployment)).restart(topology.hosts(Role.APP), 1, null, null);
        step("every app server logs in as " + now);
        // the other files that hold the password (bootstrap.sql) match the secrets again, so `up` finds nothing to do
        for (Host host : topology.hosts()) {
            List<String> written = ConfigFiles.write(deployment, host, deployment.render(host));
            if (host.role() == Role.DB && !written.isEmpty() && !topology.onServers()) {
                services.db().prepare(host); // the files belong to postgres (on a server a replaced file keeps its owner)
            }
        }
        if (!old.equals(now)) {
            Host leader = leader(services);
            psql(deployment, services, leader, "ALTER ROLE " + identifier(old) + " WITH PASSWORD NULL;\n");
            step("db: removed the password of " + old + " on the primary " + leader.name() + ": it cannot log in any more");
        }
        Properties stored = state.loadSecrets();
        stored.remove(PREVIOUS_USER);
        state.saveSecrets(stored);
        step(String.format("done in %.1f s: the app's database password is new and only %s can log in with it",
                op.elapsedSeconds(), now));
    }

    private void requireAppServersReady(Deployment deployment, Services services) {
        List<String> notReady = new ArrayList<>();
        for (Host app : topology.hosts(Role.APP)) {
            if (!services.of(Role.APP).health(app).healthy()) {
                notReady.add(app.name());
            }
        }
        if (!notReady.isEmpty()) {
            throw new OperatorException("app servers not ready: " + String.join(", ", notReady)
                    + "; run `scaleup up` first (nothing was changed)");
        }
    }

    /** Both logins must be in every db host's pg_hba.conf: a deployment made before there were two gets them now. */
    private void ensurePgHba(Deployment deployment, Services services) {
        for (Host db : topology.hosts(Role.DB)) {
            List<RenderedFile> files = deployment.render(db);
            List<String> written = ConfigFiles.write(deployment, db, files);
            if (!written.isEmpty() && !topology.onServers()) {
                services.db().prepare(db); // on a server a replaced file keeps its owner
            }
            if (written.contains(PatroniConfig.FILE)) {
                step(services.db().reload(db, written));
            }
        }
    }

    private Host leader(Services services) {
        return services.db().leader().orElseThrow(() -> new OperatorException(
                "no database primary answers (Patroni names no leader); nothing was changed"));
    }

    /** Runs SQL as postgres over the host's unix socket, on the host, from stdin (never on a command line). */
    private void psql(Deployment deployment, Services services, Host host, String sql) {
        List<String> command = services.db().postgres().psql(host, "postgres");
        Exec.Result result = deployment.target().exec(host, command, java.util.Map.of(), Duration.ofSeconds(30), sql);
        if (!result.ok()) {
            throw new OperatorException(host.name() + ": psql failed (exit " + result.exitCode() + "): "
                    + result.stderr().strip());
        }
    }

    /**
     * Waits until {@code login} connects with {@code password} from the first app host to every db host (pg_hba, the
     * password, and on replicas the replayed role) and acts as db.user there: on the port the app servers use
     * (PgBouncer's with db.pooler, which checks the password PostgreSQL has).
     */
    private void awaitLogin(Deployment deployment, String login, String password) {
        Host app = topology.hosts(Role.APP).get(0);
        for (Host db : topology.hosts(Role.DB)) {
            String[] last = {""};
            try {
                Readiness.await(login + " logging in on " + db.name() + " from " + app.name(), LOGIN_TIMEOUT, () -> {
                    last[0] = tryLogin(deployment, app, db, login, password);
                    return last[0].equals(topology.db().user());
                }, () -> true);
            } catch (Readiness.NotReadyException e) {
                throw new OperatorException(e.getMessage() + " (last answer: " + last[0] + "); the app servers still use"
                        + " their old login, which is unchanged; run the command again");
            }
        }
    }

    /** psql on the app host with the password in its environment; returns current_user or the error. */
    private String tryLogin(Deployment deployment, Host app, Host db, String login, String password) {
        Exec.Result result = deployment.target().exec(app, List.of(tools.pg("psql").toString(),
                "-X", "-A", "-t", "-h", db.address().toString(), "-p", Integer.toString(topology.db().appPort()),
                "-U", login, "-d", topology.db().name(), "-c", "SELECT current_user"),
                java.util.Map.of("PGPASSWORD", password, "PGCONNECT_TIMEOUT", "3"), Duration.ofSeconds(10), null);
        return result.exitCode() == 124 ? "timed out" : (result.stdout() + result.stderr()).strip();
    }

    static String newPassword() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    static String identifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private void step(String sentence) {
        op.step(sentence);
    }
}
