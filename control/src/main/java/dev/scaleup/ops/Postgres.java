package dev.scaleup.ops;

import static java.util.Objects.requireNonNull;

import dev.scaleup.render.HostPaths;
import dev.scaleup.runtime.Exec;
import dev.scaleup.topology.Host;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Runs PostgreSQL client programs as the postgres user, over a db host's unix socket. */
public final class Postgres {

    public static final List<String> AS_POSTGRES =
            List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups");
    private final Deployment deployment;
    private final Tools tools;

    public Postgres(Deployment deployment, Tools tools) {
        this.deployment = requireNonNull(deployment, "deployment is null");
        this.tools = requireNonNull(tools, "tools is null");
    }

    /** psql arguments that reach the host's server as postgres through its socket. */
    public List<String> psql(Host host, String database) {
        HostPaths paths = deployment.paths(host);
        List<String> command = new ArrayList<>(AS_POSTGRES);
        command.addAll(List.of(tools.pg("psql").toString(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                "-h", paths.run().toString(), "-p", Integer.toString(deployment.topology().db().port()),
                "-U", "postgres", "-d", database));
        return command;
    }

    /** Runs one query on the host; returns the result rows (fields separated by '|'), or throws. */
    public List<String> query(Host host, String sql) {
        return rows(run(host, "postgres", sql, Duration.ofSeconds(10)).orThrow());
    }

    /** Runs one query in the database on the host, through the target; the caller reads or refuses the result. */
    public Exec.Result run(Host host, String database, String sql, Duration timeout) {
        List<String> command = new ArrayList<>(psql(host, database));
        command.addAll(List.of("-c", sql));
        // on the host: its socket is a file of this machine on netns, of the server on the hosts target
        return deployment.target().exec(host, command, timeout);
    }

    /** psql -A -t's output as rows, blank lines dropped. */
    public static List<String> rows(Exec.Result result) {
        return result.stdout().lines().filter(l -> !l.isBlank()).toList();
    }

    /** True for a primary, false for a replica; throws when the server does not answer. */
    public boolean isPrimary(Host host) {
        return "f".equals(query(host, "select pg_is_in_recovery()").get(0));
    }
}
