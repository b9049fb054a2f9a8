package dev.scaleup.ops;

import static java.util.Objects.requireNonNull;

import dev.scaleup.render.HostPaths;
import dev.scaleup.runtime.Exec;
import dev.scaleup.runtime.NetCommands;
import dev.scaleup.runtime.ProcessSpec;
import dev.scaleup.runtime.Readiness;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A database server: PostgreSQL 15 as the postgres user. The first db host is made with initdb and bootstrapped
 * (roles, database); the others are cloned from the primary with pg_basebackup and stream from it.
 */
public final class DbService implements HostService {

    private final Deployment deployment;
    private final Tools tools;
    private final Postgres postgres;

    public DbService(Deployment deployment, Tools tools) {
        this.deployment = requireNonNull(deployment, "deployment is null");
        this.tools = requireNonNull(tools, "tools is null");
        this.postgres = new Postgres(deployment, tools);
    }

    public Postgres postgres() {
        return postgres;
    }

    static Path pgdata(HostPaths paths) {
        return paths.data().resolve("pgdata");
    }

    @Override
    public List<ProcessSpec> processes(Host host) {
        HostPaths paths = deployment.paths(host);
        return List.of(new ProcessSpec("postgres", List.of(tools.pg("postgres").toString(),
                "-c", "config_file=" + paths.conf("postgresql.conf")), "postgres", Map.of(), "INT"));
    }

    @Override
    public String prepare(Host host) {
        HostPaths paths = deployment.paths(host);
        Path pgdata = pgdata(paths);
        try {
            Files.createDirectories(paths.data());
            Files.createDirectories(paths.run());
            Files.createDirectories(paths.logs());
            writePassfile(paths);
            Exec.run(List.of("chown", "-R", "postgres:postgres", paths.root().toString())).orThrow();
            if (Files.exists(pgdata.resolve("PG_VERSION"))) {
                return null;
            }
            return host.equals(deployment.topology().initialPrimary())
                    ? initdb(host, pgdata) : cloneFromPrimary(host, pgdata);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + host.name(), e);
        }
    }

    private String initdb(Host host, Path pgdata) {
        List<String> command = new ArrayList<>(Postgres.AS_POSTGRES);
        command.addAll(List.of(tools.pg("initdb").toString(), "-D", pgdata.toString(), "-U", "postgres",
                "--auth-local=peer", "--auth-host=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8",
                "--no-instructions"));
        Exec.run(command, Duration.ofMinutes(2), null).orThrow();
        return host.name() + ": initialized a new database cluster (initdb)";
    }

    private String cloneFromPrimary(Host host, Path pgdata) throws IOException {
        Host primary = currentPrimary();
        HostPaths paths = deployment.paths(host);
        List<String> command = new ArrayList<>(Postgres.AS_POSTGRES);
        command.addAll(List.of("env", "PGPASSFILE=" + paths.conf("pgpass"),
                tools.pg("pg_basebackup").toString(), "-h", primary.address().toString(),
                "-p", Integer.toString(deployment.topology().dbPort()), "-U", "replicator", "-w",
                "-D", pgdata.toString(), "-X", "stream", "-c", "fast"));
        Exec.run(NetCommands.inNamespace(deployment.namespace(host), command), Duration.ofMinutes(5), null).orThrow();
        String conninfo = "host=" + primary.address() + " port=" + deployment.topology().dbPort()
                + " user=replicator passfile=" + paths.conf("pgpass") + " application_name=" + host.name();
        Files.writeString(pgdata.resolve("postgresql.auto.conf"),
                "# written by scaleup: this host is a streaming replica\nprimary_conninfo = '" + conninfo + "'\n");
        Files.writeString(pgdata.resolve("standby.signal"), "");
        Exec.run(List.of("chown", "-R", "postgres:postgres", pgdata.toString())).orThrow();
        return host.name() + ": cloned from primary " + primary.name() + " with pg_basebackup";
    }

    private void writePassfile(HostPaths paths) throws IOException {
        Path passfile = paths.conf("pgpass");
        Files.createDirectories(paths.conf());
        String line = "*:*:*:replicator:" + deployment.secrets().replicationPassword().replace("\\", "\\\\").replace(":", "\\:") + "\n";
        if (!Files.exists(passfile) || !Files.readString(passfile).equals(line)) {
            Files.deleteIfExists(passfile);
            Files.createFile(passfile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(passfile, line);
        }
    }

    /** The db host that answers as primary now, or the initial primary when none answers. */
    public Host currentPrimary() {
        for (Host host : deployment.topology().hosts(Role.DB)) {
            try {
                if (postgres.isPrimary(host)) {
                    return host;
                }
            } catch (RuntimeException notAnswering) {
                // try the next one
            }
        }
        return deployment.topology().initialPrimary();
    }

    @Override
    public void awaitReady(Host host, ProcessSpec spec) {
        Readiness.await(host.name() + " postgres accepting connections on " + deployment.paths(host).run(),
                Duration.ofSeconds(60), () -> postgres.answers(host), () -> deployment.isRunning(host, spec));
        if (!host.equals(deployment.topology().initialPrimary())) {
            Readiness.await(host.name() + " streaming from the primary", Duration.ofSeconds(30),
                    () -> "streaming".equals(receiverStatus(host)), () -> deployment.isRunning(host, spec));
        }
    }

    @Override
    public void afterStart(Host host, Progress progress) {
        HostPaths paths = deployment.paths(host);
        Path marker = paths.data().resolve("bootstrapped");
        if (!host.equals(deployment.topology().initialPrimary()) || Files.exists(marker)) {
            return;
        }
        List<String> command = new ArrayList<>(postgres.psql(host, "postgres"));
        command.addAll(List.of("-f", paths.conf("bootstrap.sql").toString()));
        Exec.run(command, Duration.ofSeconds(30), null).orThrow();
        try {
            Files.writeString(marker, "roles and database created\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        progress.step(host.name() + ": created the roles replicator and " + deployment.topology().dbUser()
                + " and the database " + deployment.topology().dbName());
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
        try {
            List<String> rows = postgres.query(host, "select pg_is_in_recovery(),"
                    + " coalesce((select status from pg_stat_wal_receiver), 'none'),"
                    + " coalesce(pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()), 0)::bigint,"
                    + " (select count(*) from pg_stat_replication where state = 'streaming')");
            String[] f = rows.get(0).split("\\|");
            boolean replica = "t".equals(f[0]);
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("db_role", replica ? "replica" : "primary");
            if (replica) {
                long lag = Long.parseLong(f[2]);
                facts.put("replication", f[1]);
                facts.put("lag_bytes", lag);
                return new HostHealth("streaming".equals(f[1]), "replica, " + f[1] + ", replay lag " + lag + " B", facts);
            }
            facts.put("streaming_replicas", Integer.parseInt(f[3]));
            return new HostHealth(true, "primary, " + f[3] + " streaming replica(s)", facts);
        } catch (RuntimeException e) {
            return HostHealth.of(false, "postgres does not answer");
        }
    }
}
