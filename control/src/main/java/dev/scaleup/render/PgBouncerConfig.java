package dev.scaleup.render;

import dev.scaleup.topology.Db;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.util.ArrayList;
import java.util.List;

/**
 * PgBouncer on a db host, with {@code db.pooler}: {@code pgbouncer.ini} and its {@code pgbouncer_hba.conf}. PgBouncer (Debian's package, run as postgres: {@code pgbouncer
 * <conf>/pgbouncer.ini}) listens on the host's address, port {@link Db#POOLER_PORT}, and passes each transaction of
 * an app server's connection to one of at most {@link #POOL_SIZE} connections to the PostgreSQL beside it, over its
 * socket. However many app servers there are, PostgreSQL sees at most that many per login role, and at most
 * {@link #MAX_DB_CONNECTIONS} to the app's database in all.
 *
 * <ul>
 *   <li><b>Which server.</b> Every db host runs one, in front of its own PostgreSQL only. The app servers still pick
 *       the primary or a replica by asking the server behind it (pgJDBC's {@code targetServerType}), as without it.
 *       PgBouncer 1.18 keeps the first server's startup parameters, {@code in_hot_standby} among them, and hands them
 *       to every new client: after a promotion a new client would still be told "standby" and pgJDBC would refuse
 *       the new primary. So Patroni's {@code on_role_change} ({@link RoleChange}) sends PgBouncer {@code RECONNECT},
 *       which drops its saved parameters and its server connections once they are released, after the script has
 *       waited for PostgreSQL to be in its new role.</li>
 *   <li><b>Passwords.</b> None in its files. A client's login is checked against the role's SCRAM secret, which
 *       PgBouncer reads from PostgreSQL ({@code auth_query} over the socket, as {@link #AUTH_USER}, which may only
 *       call {@link #LOOKUP}; peer authentication maps the OS user postgres to it), and
 *       the same client proof logs it in to PostgreSQL. So both of the app's logins work, before, during and after
 *       a password rotation.</li>
 *   <li><b>Who.</b> {@code pgbouncer_hba.conf}: the app's two logins, from app hosts only, to the app's database;
 *       postgres over the local socket to the admin console (the role change script).</li>
 *   <li><b>Transaction pooling.</b> A server connection serves a client for one transaction, so the app uses no
 *       session state: no server-side prepared statements (pgJDBC's {@code prepareThreshold=0}) and no startup
 *       options ({@code db.pooled} in app.properties). The app's lock timeout, a startup option when it connects
 *       directly, is set by PgBouncer's {@code connect_query} on every server connection instead.</li>
 *   <li><b>Failures.</b> A server login that failed is tried again after {@value #LOGIN_RETRY_S} s (default 15 s);
 *       meanwhile new clients get an error at once (SQLSTATE 08P01), which the app's pool retries. A client waits
 *       at most {@value #QUERY_WAIT_S} s for a server connection, then is dropped: far longer than the app waits.</li>
 * </ul>
 */
public final class PgBouncerConfig {

    public static final String FILE = "pgbouncer.ini";
    public static final String HBA_FILE = "pgbouncer_hba.conf";
    /**
     * PgBouncer's auth_file: the admin console's user (postgres, let in by peer authentication), without a password.
     * A user it does not know it looks up with {@code auth_query} in the database asked for, and the admin console
     * has no server to ask: without this line a login to it waits forever.
     */
    public static final String USERS_FILE = "pgbouncer_users.txt";
    /** The process name on a db host. */
    public static final String PROCESS = "pgbouncer";
    /** PgBouncer's login to PostgreSQL for {@code auth_query}: it may only call {@link #LOOKUP}. */
    public static final String AUTH_USER = "pgbouncer_auth";
    /** The OS user PgBouncer runs as, mapped to {@link #AUTH_USER} by pg_ident.conf ({@link #IDENT_MAP}). */
    static final String OS_USER = "postgres";
    public static final String IDENT_MAP = "pgbouncer";
    static final String LOOKUP_SCHEMA = "pgbouncer";
    /** The app logins' SCRAM secrets, for them only: a SECURITY DEFINER function of postgres (bootstrap.sql). */
    public static final String LOOKUP = LOOKUP_SCHEMA + ".lookup";
    /** Server connections per database and login role. */
    public static final int POOL_SIZE = 40;
    /**
     * Server connections to the app's database in all: both login roles (a password rotation moves the app servers
     * from one to the other) and PgBouncer's own auth_query connections, well under PostgreSQL's max_connections
     * (100), which replication, Patroni, pgBackRest and the exporters also use.
     */
    public static final int MAX_DB_CONNECTIONS = 60;
    /** Client connections it takes: 2 pools of 8 for each of up to 60 app hosts, and some to spare. */
    public static final int MAX_CLIENTS = 1000;
    static final String LOGIN_RETRY_S = "1";
    /** The app's lock timeout (dev.scaleup.app.db.Databases#LOCK_TIMEOUT_MS), which it sets at login when direct. */
    static final int APP_LOCK_TIMEOUT_MS = 2_000;
    /** Longer than the app's time budget of a request (5 s): the app gives up first, and closes the connection. */
    static final String QUERY_WAIT_S = "30";

    private PgBouncerConfig() {}

    public static boolean applies(Topology t, Host host) {
        return t.db().pooler() && host.role() == Role.DB;
    }

    public static List<RenderedFile> render(Topology t, Host host, HostPaths paths) {
        Text.requireRole(host, Role.DB, FILE);
        return List.of(ini(t, host, paths), hba(t, host), users());
    }

    static RenderedFile ini(Topology t, Host host, HostPaths paths) {
        String db = t.db().name();
        String content = Text.banner(t, host) + """
                [databases]
                ; every server connection starts with the app's lock timeout (its startup option, which PgBouncer
                ; cannot pass on)
                %s = host=%s port=%d dbname=%s connect_query='SET lock_timeout = %d'

                [pgbouncer]
                listen_addr = %s
                listen_port = %d
                unix_socket_dir = %s
                auth_type = hba
                auth_hba_file = %s
                ; the admin console's user; the app's logins are looked up in PostgreSQL by a login that may only call
                ; the lookup function (bootstrap.sql), let in by peer authentication
                auth_file = %s
                auth_user = %s
                auth_query = SELECT usename, passwd FROM %s($1)
                admin_users = postgres
                pool_mode = transaction
                default_pool_size = %d
                max_db_connections = %d
                min_pool_size = 0
                reserve_pool_size = 0
                max_client_conn = %d
                ; pgJDBC sends it at every login; PgBouncer keeps no session state of a client
                ignore_startup_parameters = extra_float_digits
                server_login_retry = %s
                query_wait_timeout = %s
                server_connect_timeout = 2
                ; notice a dead app host's connections, as PostgreSQL does (tcp_keepalives_*)
                tcp_keepalive = 1
                tcp_keepidle = 5
                tcp_keepintvl = 2
                tcp_keepcnt = 3
                log_connections = 0
                log_disconnections = 0
                stats_period = 60
                """.formatted(db, Text.path(paths.run()), t.db().port(), db, APP_LOCK_TIMEOUT_MS,
                host.address(), Db.POOLER_PORT, Text.path(paths.run()),
                Text.path(paths.conf(HBA_FILE)), Text.path(paths.conf(USERS_FILE)), AUTH_USER, LOOKUP,
                POOL_SIZE, MAX_DB_CONNECTIONS, MAX_CLIENTS, LOGIN_RETRY_S, QUERY_WAIT_S);
        return new RenderedFile(FILE, content, RenderedFile.PUBLIC);
    }

    static RenderedFile users() {
        return new RenderedFile(USERS_FILE, "\"" + OS_USER + "\" \"\"\n", RenderedFile.PUBLIC);
    }

    static RenderedFile hba(Topology t, Host host) {
        List<String> lines = new ArrayList<>();
        lines.add(Text.banner(t, host).stripTrailing());
        lines.add("# PgBouncer's clients: the admin console from this host (postgres), the app from app hosts");
        lines.add("local pgbouncer postgres peer");
        String database = Text.hbaName(t.db().name());
        for (String login : AppLogins.of(t)) {
            for (Host app : t.hosts(Role.APP)) {
                lines.add("host " + database + " " + Text.hbaName(login) + " " + app.address() + "/32 scram-sha-256");
            }
        }
        return new RenderedFile(HBA_FILE, String.join("\n", lines) + "\n", RenderedFile.PUBLIC);
    }
}
