package dev.scaleup.render;

import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;

/**
 * {@code pg_hba.conf} of a database host: the postgres superuser over the unix socket (peer), streaming replication
 * from the database hosts, the application's user from the app hosts. Everything else is rejected by omission.
 */
public final class PgHbaConfig {

    public static final String FILE = "pg_hba.conf";
    /** The role replicas connect as; created by {@link BootstrapSql}. */
    public static final String REPLICATION_USER = "replicator";

    private PgHbaConfig() {}

    public static RenderedFile render(Topology t, Host host, HostPaths paths) {
        Text.requireRole(host, Role.DB, FILE);
        StringBuilder out = new StringBuilder(Text.banner(t, host));
        out.append('\n');
        out.append(line("# TYPE", "DATABASE", "USER", "ADDRESS", "METHOD"));
        out.append(line("local", "all", "postgres", "", "peer"));
        for (Host db : t.hosts(Role.DB)) {
            out.append(line("host", "replication", REPLICATION_USER, db.address() + "/32", "scram-sha-256"));
        }
        String database = Text.hbaName(t.dbName());
        String user = Text.hbaName(t.dbUser());
        for (Host app : t.hosts(Role.APP)) {
            out.append(line("host", database, user, app.address() + "/32", "scram-sha-256"));
        }
        return new RenderedFile(FILE, out.toString(), RenderedFile.PUBLIC);
    }

    private static String line(String type, String database, String user, String address, String method) {
        return ("%-7s %-12s %-12s %-18s %s".formatted(type, database, user, address, method)).stripTrailing() + "\n";
    }
}
