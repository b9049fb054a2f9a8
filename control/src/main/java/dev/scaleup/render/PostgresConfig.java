package dev.scaleup.render;

import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.nio.file.Path;

/**
 * {@code postgresql.conf} of a database host, the same for primary and replicas (a replica's {@code standby.signal}
 * and {@code primary_conninfo} come from {@code pg_basebackup -R} into the data directory's
 * {@code postgresql.auto.conf}).
 *
 * <p>The config expects {@code postgres -c config_file=<conf>/postgresql.conf}, run as the {@code postgres} user in
 * the foreground, logging to stderr. It points at the data directory {@link #dataDirectory(HostPaths)} and
 * {@code <conf>/pg_hba.conf}; the unix socket goes to {@code <run>/}, which the postgres user must be able to write.
 */
public final class PostgresConfig {

    public static final String FILE = "postgresql.conf";

    private PostgresConfig() {}

    /** The cluster's data directory ({@code initdb -D} / {@code pg_basebackup -D} target). */
    public static Path dataDirectory(HostPaths paths) {
        return paths.data().resolve("pgdata");
    }

    public static RenderedFile render(Topology t, Host host, HostPaths paths) {
        Text.requireRole(host, Role.DB, FILE);
        String content = Text.banner(t, host) + """

                # files
                data_directory = %s
                hba_file = %s
                ident_file = %s

                # connections
                listen_addresses = %s
                port = %d
                unix_socket_directories = %s
                max_connections = 100
                password_encryption = scram-sha-256

                # memory
                shared_buffers = 64MB

                # write-ahead log and replication
                wal_level = replica
                wal_log_hints = on
                max_wal_senders = 10
                max_replication_slots = 10
                wal_keep_size = 256MB
                hot_standby = on
                hot_standby_feedback = on
                fsync = on
                synchronous_commit = on

                # logging: stderr, captured by the runtime
                logging_collector = off
                log_line_prefix = %s
                log_connections = off
                cluster_name = %s
                """.formatted(
                        Text.pgConfString(Text.path(dataDirectory(paths))),
                        Text.pgConfString(Text.path(paths.conf(PgHbaConfig.FILE))),
                        Text.pgConfString(Text.path(paths.conf(PgIdentConfig.FILE))),
                        Text.pgConfString(host.address().toString()),
                        t.dbPort(),
                        Text.pgConfString(Text.path(paths.run())),
                        Text.pgConfString("%m [%p] " + host.name() + " "),
                        Text.pgConfString(t.name() + "-" + host.name()));
        return new RenderedFile(FILE, content, RenderedFile.PUBLIC);
    }
}
