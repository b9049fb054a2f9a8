package dev.scaleup.ops;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scaleup.render.BootstrapSql;
import dev.scaleup.render.HostPaths;
import dev.scaleup.render.LeaderWatch;
import dev.scaleup.render.PatroniConfig;
import dev.scaleup.render.PgBouncerConfig;
import dev.scaleup.runtime.Exec;
import dev.scaleup.runtime.ProcessSpec;
import dev.scaleup.runtime.Readiness;
import dev.scaleup.topology.Db;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A database server: Patroni, as the postgres user, running PostgreSQL 15. The first member to start initializes
 * the cluster; the others clone it and stream from it; Patroni promotes a synchronous standby when the leader is
 * gone and rewinds a former leader into a replica. The control plane only starts Patroni, waits for it, creates
 * the application's role and database once, and reads Patroni's REST API for status.
 */
public final class DbService implements HostService {

    /** The user Patroni and PostgreSQL run as (Debian's postgresql package makes it; initdb refuses root). */
    static final String USER = "postgres";
    /** Debian's tini: the init of containers (Docker's --init), here a child subreaper for Patroni's PostgreSQL. */
    static final String TINI = "/usr/bin/tini";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Deployment deployment;
    private final Postgres postgres;

    public DbService(Deployment deployment, Tools tools) {
        this.deployment = requireNonNull(deployment, "deployment is null");
        this.postgres = new Postgres(deployment, tools);
    }

    public Postgres postgres() {
        return postgres;
    }

    @Override
    public List<ProcessSpec> processes(Host host) {
        HostPaths paths = deployment.paths(host);
        // Patroni starts PostgreSQL detached (its own session, its parent gone), so the postmaster's parent is
        // init, and Patroni takes a dead postmaster for a live one until init reaps it. This machine's init reaped
        // an orphan 1.3 s after its death, and after a crash Patroni saw the postmaster "running" for two loops
        // (2.3 s). tini, a child subreaper (-s), adopts those orphans instead and reaps them at once. It passes its
        // signals on to Patroni (HUP: reload, TERM: stop), and Patroni is KILLed when tini dies (PR_SET_PDEATHSIG),
        // as it was when the runtime KILLed it itself. On servers Patroni is a systemd unit and systemd, pid 1, reaps
        // at once.
        // Patroni's command line also starts the watch that wakes it when the leader key goes (LeaderWatch)
        List<String> argv = new ArrayList<>(List.of(TINI, "-s", "--", "/usr/bin/setpriv", "--pdeathsig", "KILL", "--"));
        argv.addAll(LeaderWatch.patroniCommand(paths));
        ProcessSpec patroni = ProcessSpec.of("patroni", argv).asUser(USER);
        // with backups, pgBackRest's TLS server, through which the backup host takes backups of this host
        List<ProcessSpec> specs = new ArrayList<>(List.of(patroni));
        // with db.pooler, PgBouncer in front of this host's PostgreSQL: the app servers connect to it
        if (PgBouncerConfig.applies(deployment.topology(), host)) {
            ProcessSpec pgbouncer = pgbouncer(paths);
            if (keepsPooler()) {
                // no init system restarts it here: its keeper does (on servers, systemd)
                specs.add(PoolerKeeper.spec(paths, pgbouncer));
                specs.add(PoolerKeeper.kept(pgbouncer));
            } else {
                specs.add(pgbouncer);
            }
        }
        if (deployment.topology().backup().enabled()) {
            specs.add(BackupService.server(paths));
        }
        // with monitoring, prometheus-postgres-exporter (user prometheus, over the socket in run/)
        specs.addAll(Monitors.exporters(deployment, host));
        return List.copyOf(specs);
    }

    private static ProcessSpec pgbouncer(HostPaths paths) {
        return ProcessSpec.of(PgBouncerConfig.PROCESS, List.of("/usr/sbin/pgbouncer",
                paths.conf(PgBouncerConfig.FILE).toString())).asUser(USER);
    }

    /** Whether PgBouncer runs under {@link PoolerKeeper}: on the netns target, which has no init system. */
    private boolean keepsPooler() {
        return deployment.target().kind().equals("netns");
    }

    /**
     * With {@code db.pooler} turned off on netns, the host's PgBouncer (and its keeper) stop, once every app server
     * has been moved to PostgreSQL's own port. On servers the db role stops and disables {@code pgbouncer.service}.
     */
    @Override
    public List<String> stopRetired(Host host) {
        if (!keepsPooler() || PgBouncerConfig.applies(deployment.topology(), host)) {
            return List.of();
        }
        HostPaths paths = deployment.paths(host);
        List<String> stopped = new ArrayList<>();
        ProcessSpec pgbouncer = pgbouncer(paths);
        for (ProcessSpec spec : List.of(PoolerKeeper.spec(paths, pgbouncer), pgbouncer)) {
            if (deployment.isRunning(host, spec)) {
                stopped.add(host.name() + ": db.pooler is off: " + deployment.target().stop(host, spec, Down.STOP_DEADLINE));
            }
        }
        return stopped;
    }

    /**
     * A PgBouncer that runs without its keeper (started by a scaleup from before the keeper, or its keeper was
     * killed) is stopped, so that the keeper starts the one it watches: it would otherwise find the port taken.
     */
    private String stopUnkeptPooler(Host host, HostPaths paths) {
        if (!keepsPooler() || !PgBouncerConfig.applies(deployment.topology(), host)) {
            return null;
        }
        ProcessSpec pgbouncer = pgbouncer(paths);
        if (deployment.isRunning(host, PoolerKeeper.spec(paths, pgbouncer)) || !deployment.isRunning(host, pgbouncer)) {
            return null;
        }
        return host.name() + ": " + deployment.target().stop(host, pgbouncer, Down.STOP_DEADLINE)
                + ", to run it under " + PoolerKeeper.PROCESS;
    }

    @Override
    public String prepare(Host host) {
        HostPaths paths = deployment.paths(host);
        try {
            for (Path dir : List.of(paths.data(), paths.run(), paths.logs(), paths.conf())) {
                Files.createDirectories(dir);
            }
            if (deployment.topology().backup().enabled()) {
                Files.createDirectories(paths.run().resolve(BackupService.PROCESS)); // pgBackRest's lock-path
            }
            // configs (patroni.yml and bootstrap.sql hold secrets, 0600), sockets and logs: postgres's
            deployment.target().ownTrees(host, List.of(paths.conf(), paths.run(), paths.logs()), USER);
            // the host's directory and data/ (PostgreSQL's data in data/pgdata, made by postgres itself): postgres's,
            // and etcd's group may pass through to its own data/etcd (never recursive: that one is etcd's)
            // with monitoring, the exporter (user prometheus) passes through the host's directory to PostgreSQL's
            // socket in run/ (not listed); the logs stay postgres's
            boolean monitored = deployment.topology().monitoring().enabled();
            deployment.target().own(host, paths.root(), USER, Coordination.USER, monitored ? 0711 : 0710);
            deployment.target().own(host, paths.data(), USER, Coordination.USER, 0710);
            if (monitored) {
                deployment.target().own(host, paths.logs(), USER, USER, 0750);
            }
            return stopUnkeptPooler(host, paths);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + host.name(), e);
        }
    }

    @Override
    public void awaitReady(Host host, ProcessSpec spec) {
        if (Monitors.isExporter(spec)) {
            Monitors.awaitListening(deployment, host, spec);
            return;
        }
        if (spec.name().equals(BackupService.PROCESS)) {
            BackupService.awaitListening(deployment, host, spec);
            return;
        }
        if (spec.name().equals(PgBouncerConfig.PROCESS)) {
            HostService.awaitListening(deployment, host, spec, Db.POOLER_PORT);
            return;
        }
        if (spec.name().equals(PoolerKeeper.PROCESS)) {
            ProcessSpec kept = PoolerKeeper.kept(pgbouncer(deployment.paths(host)));
            Readiness.await(host.name() + " " + PoolerKeeper.PROCESS + " started " + kept.name(), Duration.ofSeconds(10),
                    () -> deployment.isRunning(host, kept), () -> deployment.isRunning(host, spec));
            return;
        }
        // a replica is ready once its PostgreSQL streams from the leader; Patroni's /health turns 200 only at its next
        // loop (up to 1 s later: on a cold up the replicas waited 1.5 s for it after streaming). Whatever moves roles
        // or ends an up still waits for Patroni's view (Scale.moveDbRoles, the health gate at the end of up).
        Readiness.await(host.name() + " PostgreSQL accepting connections (" + POSTMASTER_PID + ") or Patroni GET "
                        + api(host, "/health") + " = 200", Duration.ofSeconds(120),
                () -> postmasterAccepting(host) || status(api(host, "/health")) == 200,
                () -> deployment.isRunning(host, spec));
        Readiness.await(host.name() + " streaming from the leader, or leading", Duration.ofSeconds(60),
                () -> isLeader(host) || "streaming".equals(receiverStatus(host)), () -> deployment.isRunning(host, spec));
    }

    /** Once per deployment, on the leader: the application's role and database (Patroni made replicator). */
    @Override
    public void afterStart(Host host, Progress progress) {
        Path marker = deployment.state().real().resolve("bootstrapped");
        if (!isLeader(host)) {
            return;
        }
        if (Files.exists(marker)) {
            if (deployment.topology().db().pooler() && !poolerLookupExists(host)) {
                // a deployment made before PgBouncer had its own login, or without the pooler: bootstrap.sql is
                // idempotent, and its last part makes the lookup PgBouncer's auth_query calls
                runBootstrapSql(host);
                progress.step(host.name() + ": made PgBouncer's login " + PgBouncerConfig.AUTH_USER + " and "
                        + PgBouncerConfig.LOOKUP + " on the leader");
            }
            return;
        }
        runBootstrapSql(host);
        try {
            Files.writeString(marker, "roles and database created on " + host.name() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        progress.step(host.name() + ": created the role " + deployment.topology().db().user() + " and the database "
                + deployment.topology().db().name() + " on the leader");
    }

    private void runBootstrapSql(Host host) {
        List<String> command = new ArrayList<>(postgres.psql(host, "postgres"));
        command.addAll(List.of("-f", deployment.paths(host).conf(BootstrapSql.FILE).toString()));
        Exec.run(command, Duration.ofSeconds(30), null).orThrow();
    }

    private boolean poolerLookupExists(Host host) {
        List<String> command = new ArrayList<>(postgres.psql(host, deployment.topology().db().name()));
        command.addAll(List.of("-c", "SELECT to_regprocedure('" + PgBouncerConfig.LOOKUP + "(text)') IS NOT NULL"));
        return Exec.run(command, Duration.ofSeconds(10), null).orThrow().stdout().strip().equals("t");
    }

    /** Patroni re-reads patroni.yml on HUP and applies it (pg_hba.conf, parameters) with a PostgreSQL reload. */
    @Override
    public String reload(Host host, List<String> changedFiles) {
        List<String> done = new ArrayList<>();
        if (changedFiles.contains(PatroniConfig.FILE)) {
            Signals.send(deployment, host, processes(host).get(0), "HUP");
            done.add("reloaded Patroni (pg_hba.conf and parameters)");
        }
        if (changedFiles.contains(PgBouncerConfig.FILE) || changedFiles.contains(PgBouncerConfig.HBA_FILE)
                || changedFiles.contains(PgBouncerConfig.USERS_FILE)) {
            // PgBouncer re-reads pgbouncer.ini and its hba file on HUP, keeping its connections
            processes(host).stream().filter(p -> p.name().equals(PgBouncerConfig.PROCESS)).findFirst()
                    .ifPresent(p -> Signals.send(deployment, host, p, "HUP"));
            done.add("reloaded PgBouncer");
        }
        if (done.isEmpty()) {
            return host.name() + ": nothing to reload (" + String.join(", ", changedFiles) + ")";
        }
        return host.name() + ": " + String.join(", ", done);
    }

    public boolean isLeader(Host host) {
        return status(api(host, "/primary")) == 200;
    }

    /** The db host Patroni says leads now. */
    public Optional<Host> leader() {
        return deployment.topology().hosts(Role.DB).stream().filter(this::isLeader).findFirst();
    }

    private static final String POSTMASTER_PID = "postmaster.pid";

    /**
     * Whether the postmaster's pid file says it takes connections (its 8th line, PostgreSQL 10 and later: "ready" on a
     * primary, "standby" on a hot standby). Only a cheap first gate before a query: a postmaster that was killed
     * leaves its file behind, and the file is on the host itself (false where it is not here, as on servers).
     */
    private boolean postmasterAccepting(Host host) {
        Path file = deployment.paths(host).data().resolve("pgdata").resolve(POSTMASTER_PID);
        try {
            List<String> lines = Files.readAllLines(file);
            if (lines.size() < 8) {
                return false;
            }
            String status = lines.get(7).strip();
            return status.equals("ready") || status.equals("standby");
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    private String receiverStatus(Host host) {
        try {
            List<String> rows = postgres.query(host, "select status from pg_stat_wal_receiver");
            return rows.isEmpty() ? "none" : rows.get(0);
        } catch (RuntimeException e) {
            return "unknown";
        }
    }

    @Override
    public HostHealth health(Host host) {
        Optional<JsonNode> patroni = json(api(host, "/patroni"));
        if (patroni.isEmpty()) {
            return HostHealth.of(false, "Patroni does not answer on " + api(host, "/patroni"));
        }
        JsonNode p = patroni.get();
        String role = p.path("role").asText();
        boolean primary = role.equals("master") || role.equals("primary");
        String state = p.path("state").asText();
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("db_role", primary ? "primary" : "replica");
        facts.put("patroni_state", state);
        facts.put("timeline", p.path("timeline").asLong());
        StringBuilder details = new StringBuilder(primary ? "primary" : "replica");
        details.append(", ").append(state).append(", timeline ").append(p.path("timeline").asLong());
        boolean healthy = state.equals("running");
        Optional<JsonNode> cluster = json(api(host, "/cluster"));
        if (cluster.isPresent()) {
            for (JsonNode member : cluster.get().path("members")) {
                if (member.path("name").asText().equals(host.name())) {
                    String memberRole = member.path("role").asText();
                    if (memberRole.equals("sync_standby")) {
                        facts.put("sync_standby", true);
                        details.append(", synchronous standby");
                    }
                    if (!primary && member.has("lag")) {
                        facts.put("lag_bytes", member.path("lag").asLong());
                        details.append(", lag ").append(member.path("lag").asText()).append(" B");
                    }
                }
                if (primary && member.path("role").asText().equals("sync_standby")) {
                    facts.put("synchronous_standby", member.path("name").asText());
                    details.append(", sync standby ").append(member.path("name").asText());
                }
            }
        }
        if (primary && deployment.topology().db().replicas() > 0 && !facts.containsKey("synchronous_standby")) {
            // strict synchronous mode: a commit is acknowledged only once a standby has it, so none means no writes
            healthy = false;
            details.append(", no synchronous standby: writes wait");
        }
        if (primary && deployment.topology().db().replicas() == 0) {
            details.append(", no replica: commits are on this host alone (RPO 0 needs db.replicas >= 1)");
        }
        if (!primary) {
            String receiver = receiverStatus(host);
            facts.put("replication", receiver);
            healthy &= receiver.equals("streaming");
            if (!receiver.equals("streaming")) {
                details.append(", WAL receiver ").append(receiver);
            }
        }
        return new HostHealth(healthy, details.toString(), facts);
    }

    /**
     * Brings the settings of Patroni's dynamic configuration in etcd that the bootstrap wrote once to what the topology
     * and this scaleup ask for. Synchronous mode ({@link PatroniConfig#synchronousMode}): on with replicas, off without (a primary alone would never commit in strict mode), and the number of
     * synchronous standbys ({@link PatroniConfig#synchronousNodeCount}: every replica). Read from and, when it
     * differs, changed through the leader's {@code PATCH /config}: a deployment made with db.replicas 0 and scaled
     * out (scale refuses 0, so the way back never comes up), a scale of the replicas, a deployment bootstrapped
     * before the count was set. With it, the failover after a crash of the primary's PostgreSQL
     * ({@link PatroniConfig#PRIMARY_START_TIMEOUT}), which a cluster bootstrapped before it lacks, and the leader key's
     * timing ({@link PatroniConfig#TTL_SECONDS}, {@link PatroniConfig#LOOP_WAIT_SECONDS},
     * {@link PatroniConfig#RETRY_TIMEOUT_SECONDS}). Empty when nothing
     * changed.
     */
    public Optional<String> ensureDynamicConfig(boolean wanted, int standbys) {
        Readiness.await("a Patroni leader", Duration.ofSeconds(30), () -> leader().isPresent(), () -> true);
        Host leader = leader().orElseThrow();
        // a leader that has just started may not answer its configuration yet (seen after a restore on servers)
        JsonNode[] read = new JsonNode[1];
        try {
            Readiness.await("Patroni on " + leader.name() + " answering GET " + api(leader, "/config"),
                    Duration.ofSeconds(15), () -> (read[0] = json(api(leader, "/config")).orElse(null)) != null,
                    () -> true);
        } catch (Readiness.NotReadyException e) {
            throw new OperatorException("Patroni on " + leader.name() + " does not answer GET " + api(leader, "/config"));
        }
        JsonNode config = read[0];
        if (config.path("synchronous_mode").asBoolean() == wanted
                && config.path("synchronous_mode_strict").asBoolean() == wanted
                && config.path("synchronous_node_count").asInt(1) == standbys
                && config.path("primary_start_timeout").asInt(300) == PatroniConfig.PRIMARY_START_TIMEOUT
                && config.path("ttl").asInt(30) == PatroniConfig.TTL_SECONDS
                && config.path("loop_wait").asInt(10) == PatroniConfig.LOOP_WAIT_SECONDS
                && config.path("retry_timeout").asInt(10) == PatroniConfig.RETRY_TIMEOUT_SECONDS) {
            return Optional.empty();
        }
        String answer = send(leader, "PATCH", "/config", "{\"synchronous_mode\":" + wanted
                + ",\"synchronous_mode_strict\":" + wanted + ",\"synchronous_node_count\":" + standbys
                + ",\"primary_start_timeout\":" + PatroniConfig.PRIMARY_START_TIMEOUT
                + ",\"ttl\":" + PatroniConfig.TTL_SECONDS + ",\"loop_wait\":" + PatroniConfig.LOOP_WAIT_SECONDS
                + ",\"retry_timeout\":" + PatroniConfig.RETRY_TIMEOUT_SECONDS + "}");
        if (!answer.startsWith("200")) {
            throw new OperatorException("Patroni on " + leader.name() + " refused the dynamic configuration (synchronous"
                    + " mode " + (wanted ? "on" : "off") + ", ttl " + PatroniConfig.TTL_SECONDS + " s): " + answer);
        }
        return Optional.of(wanted
                ? "synchronous mode on (" + deployment.topology().db().replicas() + " replicas): a commit waits for "
                        + (standbys == 1 ? "the synchronous standby" : "every replica (" + standbys + " synchronous standbys)")
                        + "; a primary whose PostgreSQL crashes fails over at once; the leader key lives "
                        + PatroniConfig.TTL_SECONDS + " s, Patroni loops every " + PatroniConfig.LOOP_WAIT_SECONDS + " s"
                : "synchronous mode off (no replica): the primary commits alone, RPO 0 is not promised");
    }

    /**
     * "STATUS body" of a change through Patroni's REST API on the host (switchover, config): the unsafe endpoints
     * take the superuser's password.
     */
    public String send(Host host, String method, String path, String json) {
        try {
            String credentials = java.util.Base64.getEncoder().encodeToString((PatroniConfig.REST_USER + ":"
                    + deployment.secrets().superuserPassword()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            HttpRequest request = HttpRequest.newBuilder(URI.create(api(host, path)))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .header("Authorization", "Basic " + credentials)
                    .method(method, HttpRequest.BodyPublishers.ofString(json)).build();
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() + " " + response.body().strip();
        } catch (IOException e) {
            return "no answer: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** The members the host's Patroni names synchronous standbys (from the leader's /sync key), if it answers. */
    public Optional<List<String>> synchronousStandbys(Host host) {
        return json(api(host, "/cluster")).map(c -> {
            List<String> names = new ArrayList<>();
            for (JsonNode member : c.path("members")) {
                if (member.path("role").asText().equals("sync_standby")) {
                    names.add(member.path("name").asText());
                }
            }
            return names;
        });
    }

    private String api(Host host, String path) {
        return "http://" + host.address() + ":" + PatroniConfig.REST_PORT + path;
    }

    private static int status(String url) {
        return Readiness.httpStatus(url, Duration.ofSeconds(2));
    }

    private static Optional<JsonNode> json(String url) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return Optional.of(JSON.readTree(response.body()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
