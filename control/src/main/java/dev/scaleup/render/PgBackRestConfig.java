package dev.scaleup.render;

import dev.scaleup.topology.Backup;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code pgbackrest.conf} of a db host and of the backup host. Every pgBackRest command scaleup runs names it with
 * {@code --config}, and so does Patroni's {@code archive_command}. The hosts talk pgBackRest's own protocol over TLS
 * (its {@code server} command on port {@value Backup#TLS_PORT} on each of them), no SSH:
 * <pre>
 *   db host (primary)  archive-push  ──TLS──▶ backup1 server  ──▶ repository (encrypted, aes-256-cbc)
 *   backup1 backup                   ──TLS──▶ db host servers (pgBackRest finds the primary among pg1..N)
 * </pre>
 * Both ends present the deployment's pgBackRest certificate ({@link #CERT}, signed by the deployment's CA, CN
 * {@link #CLIENT_CN}) and accept only a peer whose certificate the CA signed and whose CN is that one, for this
 * stanza. The stanza is the deployment's name. Pure: {@code ops.BackupService} writes the certificate files.
 */
public final class PgBackRestConfig {

    public static final String FILE = "pgbackrest.conf";
    /** The CA certificate, the pgBackRest certificate and its key, copied into each host's conf directory. */
    public static final String CA = "pgbackrest-ca.crt";
    public static final String CERT = "pgbackrest.crt";
    public static final String KEY = "pgbackrest.key";
    /** The CN of the one certificate the hosts present to each other (server and client alike). */
    public static final String CLIENT_CN = "pgbackrest";
    /** The repository's directory on the backup host, under its data directory. */
    public static final String REPOSITORY = "repository";

    private PgBackRestConfig() {}

    /** The file for a db host or the backup host. */
    public static RenderedFile render(Topology t, Host host, HostPaths paths, Secrets secrets) {
        return switch (host.role()) {
            case DB -> new RenderedFile(FILE, dbHost(t, host, paths), RenderedFile.PRIVATE);
            case BACKUP -> new RenderedFile(FILE, backupHost(t, host, paths, secrets), RenderedFile.PRIVATE);
            default -> throw new IllegalArgumentException(FILE + " is for db and backup hosts, not " + host.name());
        };
    }

    /** The stanza: one per deployment, named after it. */
    public static String stanza(Topology t) {
        return t.name();
    }

    /** The pgBackRest command line with this host's config: {@code pgbackrest --config=... --stanza=...}. */
    public static List<String> command(Topology t, HostPaths paths) {
        return List.of("pgbackrest", "--config=" + Text.path(paths.conf(FILE)), "--stanza=" + stanza(t));
    }

    /** The host's TLS server, in the foreground: {@code pgbackrest --config=... server}. */
    public static List<String> serverCommand(HostPaths paths) {
        return List.of("/usr/bin/pgbackrest", "--config=" + Text.path(paths.conf(FILE)), "server");
    }

    /** Patroni's archive_command: push one WAL segment to the repository (PostgreSQL replaces %p). */
    public static String archiveCommand(Topology t, HostPaths paths) {
        return String.join(" ", command(t, paths)) + " archive-push %p";
    }

    /** The directory PostgreSQL's data is in on a db host (Patroni's data_dir). */
    public static Path pgData(HostPaths paths) {
        return paths.data().resolve("pgdata");
    }

    private static String dbHost(Topology t, Host host, HostPaths paths) {
        Host repository = t.hosts(Role.BACKUP).get(0);
        return Text.banner(t, host) + """
                # pgBackRest on %1$s: archive-push (Patroni's archive_command, on the primary) sends WAL to the
                # repository on %2$s; this host's TLS server lets %2$s take backups from it.
                [global]
                repo1-host=%3$s
                repo1-host-type=tls
                repo1-host-port=%4$d
                repo1-host-ca-file=%5$s
                repo1-host-cert-file=%6$s
                repo1-host-key-file=%7$s
                # the repository host's own file: the remote side reads its settings (repo1-path, the cipher) there
                repo1-host-config=%13$s
                %8$s
                [%9$s]
                pg1-path=%10$s
                pg1-port=%11$d
                pg1-socket-path=%12$s

                # a repository that does not answer fails a push in 2 x 10 s, not pgBackRest's 2 x 60 s: before a
                # pg_rewind Patroni pushes every segment still marked ready, one after the other, and with the
                # backup host down the rewind (and the replica's return) waited 2 minutes for each
                [global:archive-push]
                io-timeout=10
                """.formatted(host.name(), repository.name(), repository.address(), Backup.TLS_PORT,
                Text.path(paths.conf(CA)), Text.path(paths.conf(CERT)), Text.path(paths.conf(KEY)),
                common(t, host, paths), stanza(t), Text.path(pgData(paths)), t.db().port(), Text.path(paths.run()),
                Text.path(peer(paths, repository).conf(FILE)));
    }

    private static String backupHost(Topology t, Host host, HostPaths paths, Secrets secrets) {
        if (secrets.backupCipherPass() == null) {
            throw new IllegalArgumentException("no repository passphrase in the secrets (" + FILE + " of " + host.name() + ")");
        }
        StringBuilder pgHosts = new StringBuilder();
        int i = 1;
        for (Host db : t.hosts(Role.DB)) {
            HostPaths dbPaths = peer(paths, db);
            pgHosts.append("""
                    pg%1$d-host=%2$s
                    pg%1$d-host-type=tls
                    pg%1$d-host-port=%3$d
                    pg%1$d-host-ca-file=%4$s
                    pg%1$d-host-cert-file=%5$s
                    pg%1$d-host-key-file=%6$s
                    pg%1$d-host-config=%10$s
                    pg%1$d-path=%7$s
                    pg%1$d-port=%8$d
                    pg%1$d-socket-path=%9$s
                    """.formatted(i++, db.address(), Backup.TLS_PORT, Text.path(paths.conf(CA)),
                    Text.path(paths.conf(CERT)), Text.path(paths.conf(KEY)), Text.path(pgData(dbPaths)), t.db().port(),
                    Text.path(dbPaths.run()), Text.path(dbPaths.conf(FILE))));
        }
        return Text.banner(t, host) + """
                # pgBackRest repository of deployment %1$s. Backups run here and reach the db hosts' TLS servers;
                # whichever of them is primary pushes WAL to this host's TLS server.
                [global]
                repo1-path=%2$s
                # encrypted at rest; the passphrase is in the deployment's secrets file and in this file (0600)
                repo1-cipher-type=aes-256-cbc
                repo1-cipher-pass=%3$s
                # full backups kept; expiring one also expires the WAL only it needed
                repo1-retention-full=%4$d
                # a backup starts with an immediate checkpoint, not at the next scheduled one
                start-fast=y
                %5$s
                [%6$s]
                %7$s""".formatted(t.name(), Text.path(paths.data().resolve(REPOSITORY)), secrets.backupCipherPass(),
                t.backup().retentionFull(), common(t, host, paths), stanza(t), pgHosts);
    }

    /** What every host has: its own log and lock directories, and its TLS server's settings. */
    private static String common(Topology t, Host host, HostPaths paths) {
        return """
                log-path=%1$s
                lock-path=%2$s
                log-level-console=warn
                log-level-file=info
                # the TLS server (`pgbackrest server`): only peers with the deployment's certificate, for this stanza
                tls-server-address=%3$s
                tls-server-port=%4$d
                tls-server-ca-file=%5$s
                tls-server-cert-file=%6$s
                tls-server-key-file=%7$s
                tls-server-auth=%8$s=%9$s
                """.formatted(Text.path(logPath(paths)), Text.path(paths.run().resolve("pgbackrest")), host.address(),
                Backup.TLS_PORT, Text.path(paths.conf(CA)), Text.path(paths.conf(CERT)), Text.path(paths.conf(KEY)),
                CLIENT_CN, stanza(t));
    }

    /**
     * Where pgBackRest writes its log files: the host's log directory; on a server, the one Debian's package makes
     * (owned by postgres), since servers have no log directory of scaleup's own (the TLS server's console output
     * goes to the journal as well).
     */
    static Path logPath(HostPaths paths) {
        return paths.journald() ? SERVER_LOGS : paths.logs();
    }

    /** Debian's pgbackrest package makes it, postgres's, mode 0750. */
    static final Path SERVER_LOGS = Path.of("/var/log/pgbackrest");

    /** Another host's paths: the same layout, under its own root on the netns target. */
    private static HostPaths peer(HostPaths paths, Host other) {
        return paths.equals(HostPaths.onServer()) ? paths : new HostPaths(paths.root().resolveSibling(other.name()));
    }
}
