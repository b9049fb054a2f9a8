package dev.scaleup.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code patroni.yml} of a db host. Patroni (run as postgres: {@code patroni <conf>/patroni.yml}) owns PostgreSQL on
 * the host: it runs initdb on the first member, clones the others with pg_basebackup, writes postgresql.conf and
 * pg_hba.conf from this file, keeps the leader key in etcd, promotes a synchronous standby when the leader is gone,
 * and rewinds a former leader so it rejoins as a replica.
 *
 * <p>Timing (dynamic, set at bootstrap; {@code up} brings a running cluster to it): ttl 4 s, loop_wait 1 s,
 * retry_timeout 1 s (loop_wait + 2 × retry_timeout ≤ ttl): a dead leader's key expires within 4 s, and the replicas
 * see it at their next loop. A live leader renews the key every second, and every 2.15-2.32 s when it names a new
 * synchronous standby (Patroni sleeps 2 s in that loop), so a leader (or etcd) stalled for 1.7 s more than that
 * loses it: every drill checks that no failover happened where none was due (docs/RELIABILITY.md has the trade-off,
 * measured). Strict synchronous
 * mode with every replica synchronous: a commit is acknowledged only once every streaming replica has it, the one
 * with the most WAL is promoted, and with no standby left the primary's commits wait (never acknowledged on one host
 * only), so an acknowledged write survives the loss of the primary. A hung standby keeps its connection: the primary
 * drops it after wal_sender_timeout (5 s), and Patroni takes it out of the synchronous set at its next loop.
 * Failsafe mode: a primary that cannot reach etcd stays primary as long as every other member answers its REST API.
 */
public final class PatroniConfig {

    /**
     * How long a primary whose PostgreSQL crashed may take to come back in place before Patroni fails over: 0, fail
     * over at once when a synchronous standby can take over (Patroni's is_failover_possible), else restart in place.
     * In place, Patroni replays the WAL since the last checkpoint in single-user mode, then starts PostgreSQL as a
     * standby and promotes it: 2.1-2.3 s on a quiet day, but 11.7-13.3 s after a minute of the drills' writes (5.3 s
     * of replay, 3 s of start). A failover does not depend on the WAL: writes resumed 2.37, 2.64 and 3.24 s after the
     * crash (db-postgres-crash, 2026-12-02). Every replica is synchronous, so nothing acknowledged is lost; the old
     * primary is rewound and rejoins as a replica.
     */
    public static final int PRIMARY_START_TIMEOUT = 0;

    /**
     * How long the leader key lives without a renewal: the failover's detection time when a primary's host dies. 4 s,
     * not 3: the leader's loop that names a new synchronous standby sleeps 2 s ({@code time.sleep(2)} in Patroni
     * 3.0.2's process_sync_replication), so the key is renewed 2.15-2.32 s apart then (after every failover and every
     * replica's return), and at 3 s a stall of 0.68 s more would fail over for nothing. At 5 s, writes resumed 5.7-7.1 s
     * after a primary's host was lost; at 4 s, 4.8-5.6 s (db-primary-kill, 5 runs, 2026-12-02/03).
     */
    public static final int TTL_SECONDS = 4;

    /**
     * How long Patroni waits between its loops: 1 s, not 2, although at 2 s the replicas would watch the leader key
     * (Patroni 3.0.2 watches only when at least 1 s of the wait is left: {@code while timeout >= 1} in
     * patroni/dcs/etcd.py) and see a dead leader's key go at once instead of at their next loop. Measured at 2 s: the
     * first write came 3.2-4.6 s after a primary's host was lost instead of 4.8-6.0 s, 1.0-1.8 s after a crash of its
     * PostgreSQL instead of 1.9-2.3 s. Not taken: the leader renews its key once a loop, and a loop spends 1 s on each
     * etcd member that does not answer. In one fault group at 2 s (db-standby-partition), two of the leader's requests
     * failed that way, one to a member the drill had cut off, and its renewals came 4.0 s apart: the whole ttl (2 s of
     * loop, 2 s of failed requests). At 1 s the same loop leaves a second. A whole number (Patroni reads it with
     * int()). docs/RELIABILITY.md, 2026-12-03.
     */
    public static final int LOOP_WAIT_SECONDS = 1;

    /**
     * How long one etcd operation may take, retries included, before Patroni gives up on it (a leader that cannot
     * renew its key then demotes, unless failsafe mode keeps it): loop_wait + 2 × this must stay within the ttl. A
     * whole number: Patroni 3.0.2's validator refuses 1.5, and its dynamic configuration is read with int(), so 1.5
     * set through the REST API runs as 1. etcd's slowest WAL fsync here was 128 ms under the drills' load.
     */
    public static final int RETRY_TIMEOUT_SECONDS = 1;

    /** PostgreSQL 15's programs, as Debian installs them (both targets). */
    public static final String BIN_DIR = "/usr/lib/postgresql/15/bin";

    public static final String FILE = "patroni.yml";
    public static final int REST_PORT = 8008;
    public static final String REPLICATION_USER = "replicator";
    /** User of the REST API's unsafe endpoints; its password is the PostgreSQL superuser's. */
    public static final String REST_USER = "patroni";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));

    private PatroniConfig() {}

    public static RenderedFile render(Topology t, Host host, HostPaths paths, Secrets secrets, List<Host> etcdMembers) {
        Text.requireRole(host, Role.DB, FILE);
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("scope", t.name());
        root.put("namespace", "/scaleup/");
        root.put("name", host.name());
        root.put("log", map("level", "INFO", "format", "%(asctime)s " + host.name() + " %(levelname)s: %(message)s"));
        // the unsafe endpoints (switchover, restart, reload, config changes) need the superuser's password; status
        // reads (GET) stay open to the control plane's probes
        root.put("restapi", map("listen", host.address() + ":" + REST_PORT, "connect_address", host.address() + ":" + REST_PORT,
                "authentication", map("username", REST_USER, "password", secrets.superuserPassword())));
        // etcd's v2 API, not etcd3: Patroni 3.0.2 renews the leader key in etcd3 with an unconditional put once its
        // lease has expired, so a primary back from a partition with a stale view takes the key from the new leader
        // (acknowledged writes lost, seen in the db-primary-partition drill); the v2 backend compares and swaps
        root.put("etcd", map("hosts", etcdMembers.stream().map(m -> m.address() + ":" + Etcd.CLIENT_PORT).toList(),
                "protocol", "http"));
        root.put("bootstrap", bootstrap(t));
        root.put("postgresql", postgresql(t, host, paths, secrets));
        // no watchdog device here (a namespace, a container): off. Patroni 3.0.2 still checks the timing at every
        // loop of the leader, whatever the mode, and with a ttl of 5 s and the default safety margin of 5 s it
        // warned every second ("Watchdog not supported because leader TTL 5 is less than 2x loop_wait 1"); a margin
        // of -1 means ttl / 2, which passes the check
        root.put("watchdog", map("mode", "off", "safety_margin", -1));
        root.put("tags", map("nofailover", false, "noloadbalance", false, "clonefrom", false, "nosync", false));
        try {
            String yaml = YAML.writeValueAsString(root);
            return new RenderedFile(FILE, Text.banner(t, host) + yaml, RenderedFile.PRIVATE);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The same patroni.yml with one of its tags set (nosync, replicatefrom): a running operation's temporary change
     * to one member, which the next render undoes. The tags block is the file's last, one tag per line.
     */
    public static String withTag(String yaml, String tag, Object value) {
        int tags = yaml.lastIndexOf("\ntags:\n");
        if (tags < 0) {
            throw new IllegalArgumentException("no tags block in " + FILE);
        }
        String head = yaml.substring(0, tags + "\ntags:\n".length());
        StringBuilder block = new StringBuilder();
        boolean found = false;
        for (String line : yaml.substring(head.length()).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.strip().startsWith(tag + ":")) {
                line = "  " + tag + ": " + value;
                found = true;
            }
            block.append(line).append('\n');
        }
        if (!found) {
            block.append("  ").append(tag).append(": ").append(value).append('\n');
        }
        return head + block;
    }

    /**
     * Whether commits wait for a synchronous standby (Patroni's synchronous_mode and synchronous_mode_strict, both
     * the same): with at least one replica. A cluster's bootstrap writes it to etcd once; later changes of the
     * replica count set it there through Patroni's {@code PATCH /config}.
     */
    public static boolean synchronousMode(Topology t) {
        return t.db().replicas() > 0;
    }

    /**
     * How many standbys each commit waits for (Patroni's synchronous_node_count): every replica. Then every replica
     * may be promoted, and Patroni promotes the one with the most WAL, so the others can follow it at once. With one
     * synchronous standby, the other replica had in 2 of 7 primary kills received WAL the promoted standby had not
     * (commits nobody had acknowledged yet): it could not follow the new timeline until Patroni rewound it, and in
     * strict mode no write was acknowledged until then (writes resumed 9.8-15.1 s after the fault instead of 5-7 s).
     * The price: a commit waits for the slower replica, and the loss of any replica (not only of the synchronous
     * one) stalls commits until Patroni takes it out of the set (docs/RELIABILITY.md, measured).
     */
    public static int synchronousNodeCount(Topology t) {
        return Math.max(1, t.db().replicas());
    }

    private static Map<String, Object> bootstrap(Topology t) {
        Map<String, Object> dcs = new LinkedHashMap<>();
        dcs.put("ttl", TTL_SECONDS);
        dcs.put("loop_wait", LOOP_WAIT_SECONDS);
        dcs.put("retry_timeout", RETRY_TIMEOUT_SECONDS);
        dcs.put("maximum_lag_on_failover", 1048576);
        // never acknowledge a commit that is on the primary alone: without a synchronous standby, writes wait. A
        // deployment without replicas cannot keep that promise and would never commit: there the primary commits
        // alone, and a scale switches the mode in etcd when the replica count crosses 0 (synchronousMode)
        boolean sync = synchronousMode(t);
        dcs.put("synchronous_mode", sync);
        dcs.put("synchronous_mode_strict", sync);
        dcs.put("synchronous_node_count", synchronousNodeCount(t));
        // losing etcd's quorum does not demote a primary that every other Patroni member still confirms
        dcs.put("failsafe_mode", true);
        // a primary that does not stop within 5 s (e.g. its walsenders wait on a dead link) is killed, so a demoted
        // or partitioned leader is really down before it rejoins
        dcs.put("primary_stop_timeout", 5);
        dcs.put("primary_start_timeout", PRIMARY_START_TIMEOUT);
        dcs.put("postgresql", map("use_pg_rewind", true, "use_slots", true, "parameters", map(
                "max_connections", 100,
                "max_wal_senders", 10,
                "max_replication_slots", 10,
                "wal_keep_size", "256MB",
                "wal_log_hints", "on",
                "hot_standby", "on")));
        Map<String, Object> bootstrap = new LinkedHashMap<>();
        bootstrap.put("dcs", dcs);
        bootstrap.put("initdb", List.of(map("encoding", "UTF8"), map("locale", "C.UTF-8"),
                map("auth-local", "peer"), map("auth-host", "scram-sha-256")));
        bootstrap.put("pg_hba", pgHba(t));
        return bootstrap;
    }

    private static Map<String, Object> postgresql(Topology t, Host host, HostPaths paths, Secrets secrets) {
        Map<String, Object> pg = new LinkedHashMap<>();
        pg.put("listen", host.address() + ":" + t.db().port());
        pg.put("connect_address", host.address() + ":" + t.db().port());
        pg.put("data_dir", Text.path(paths.data().resolve("pgdata")));
        pg.put("bin_dir", BIN_DIR);
        pg.put("pgpass", Text.path(paths.run().resolve("pgpass")));
        pg.put("use_unix_socket", true);
        pg.put("authentication", map(
                "superuser", map("username", "postgres", "password", secrets.superuserPassword()),
                "replication", map("username", REPLICATION_USER, "password", secrets.replicationPassword()),
                "rewind", map("username", "postgres", "password", secrets.superuserPassword())));
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("unix_socket_directories", Text.path(paths.run()));
        parameters.put("password_encryption", "scram-sha-256");
        parameters.put("shared_buffers", "64MB");
        parameters.put("hot_standby_feedback", "on");
        // notice a peer behind a dead link within seconds, not the default minute; the sender's timeout also bounds
        // how long commits wait on a hung synchronous standby before Patroni can hand its role to another replica
        parameters.put("wal_sender_timeout", "5s");
        parameters.put("wal_receiver_timeout", "10s");
        // a replica whose upstream went away (a failover, a switchover) tries again after 0.25 s, not 5: after a
        // failover the new primary acknowledges no write until a replica streams from it (strict synchronous mode),
        // and the replicas' first tries fail until its Patroni has made their replication slots
        parameters.put("wal_retrieve_retry_interval", "250ms");
        parameters.put("tcp_keepalives_idle", 5);
        parameters.put("tcp_keepalives_interval", 2);
        parameters.put("tcp_keepalives_count", 3);
        parameters.put("logging_collector", "off");
        parameters.put("log_line_prefix", "%m [%p] " + host.name() + " ");
        parameters.put("cluster_name", t.name() + "-" + host.name());
        if (t.backup().enabled()) {
            // continuous archiving to the backup host, set in every member's file: only a primary archives
            // (archive_mode on), so whichever member is promoted carries on, on its new timeline
            parameters.put("archive_mode", "on");
            parameters.put("archive_command", PgBackRestConfig.archiveCommand(t, paths));
            // a segment is switched and archived at least this often when there were writes
            parameters.put("archive_timeout", t.backup().archiveTimeoutSeconds());
        }
        pg.put("parameters", parameters);
        pg.put("pg_hba", pgHba(t));
        if (t.db().pooler()) {
            // PgBouncer runs as postgres and logs in as its own role (pg_hba's map=)
            pg.put("pg_ident", List.of(PgBouncerConfig.IDENT_MAP + " " + PgBouncerConfig.OS_USER + " "
                    + PgBouncerConfig.AUTH_USER));
        }
        // a new primary makes the other members' replication slots at once; with db.pooler the PgBouncer beside it
        // forgets the role it saved (in_hot_standby)
        pg.put("callbacks", map("on_role_change", RoleChange.callback(paths)));
        pg.put("remove_data_directory_on_rewind_failure", true);
        pg.put("remove_data_directory_on_diverged_timelines", true);
        pg.put("basebackup", List.of(map("checkpoint", "fast")));
        return pg;
    }

    /** Who may connect: postgres locally (peer) and from db hosts (pg_rewind), replication between db hosts, the app from app hosts. */
    static List<String> pgHba(Topology t) {
        List<String> lines = new ArrayList<>();
        lines.add("local all postgres peer");
        if (t.monitoring().enabled()) {
            // prometheus-postgres-exporter, as the OS user prometheus over this host's socket (no password)
            lines.add("local postgres " + Exporters.USER + " peer");
        }
        for (Host db : t.hosts(Role.DB)) {
            lines.add("host all postgres " + db.address() + "/32 scram-sha-256");
            lines.add("host replication " + REPLICATION_USER + " " + db.address() + "/32 scram-sha-256");
        }
        String database = Text.hbaName(t.db().name());
        if (t.db().pooler()) {
            // PgBouncer beside it (OS user postgres, over the socket) looks up the app logins' secrets as its own role,
            // mapped by pg_ident.conf, then logs the app's logins in with the client's SCRAM proof
            lines.add("local " + database + " " + PgBouncerConfig.AUTH_USER + " peer map=" + PgBouncerConfig.IDENT_MAP);
            for (String login : AppLogins.of(t)) {
                lines.add("local " + database + " " + Text.hbaName(login) + " scram-sha-256");
            }
        }
        for (String login : AppLogins.of(t)) {
            // both login roles the app alternates between when its password is rotated (see AppLogins)
            String user = Text.hbaName(login);
            for (Host app : t.hosts(Role.APP)) {
                lines.add("host " + database + " " + user + " " + app.address() + "/32 scram-sha-256");
            }
        }
        return lines;
    }

    private static Map<String, Object> map(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }
}
