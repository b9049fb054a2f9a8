package dev.scaleup.render;

import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;

/**
 * {@code pg_ident.conf} of a database host: no user name maps. It has to exist because postgres is started with
 * {@code -c config_file=...} and no {@code -D}: without a data directory on the command line it does not know where
 * to look for the ident file and refuses to start unless {@code ident_file} is set.
 */
public final class PgIdentConfig {

    public static final String FILE = "pg_ident.conf";

    private PgIdentConfig() {}

    public static RenderedFile render(Topology t, Host host, HostPaths paths) {
        Text.requireRole(host, Role.DB, FILE);
        String content = Text.banner(t, host) + """
                # no user name maps: peer authentication only for the postgres superuser
                # MAPNAME       SYSTEM-USERNAME         PG-USERNAME
                """;
        return new RenderedFile(FILE, content, RenderedFile.PUBLIC);
    }
}
