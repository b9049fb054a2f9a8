package dev.scaleup.drill;

import dev.scaleup.ops.Deployment;
import dev.scaleup.ops.OperatorException;
import dev.scaleup.ops.Postgres;
import dev.scaleup.ops.Status;
import dev.scaleup.runtime.Exec;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the application's database as the postgres superuser over a db host's unix socket (as {@code ops.Postgres}
 * does, but in the app's database), to check the data after a drill.
 */
final class AppDatabase {

    private final Deployment deployment;
    private final Postgres postgres;

    AppDatabase(Deployment deployment) {
        this.deployment = deployment;
        this.postgres = new Postgres(deployment, deployment.tools());
    }

    /** Runs one query in the app's database on the host; returns the rows, fields separated by '|'. */
    List<String> query(Host host, String sql) {
        Exec.Result result = postgres.run(host, deployment.topology().db().name(), sql, Duration.ofSeconds(60));
        if (!result.ok()) {
            throw new OperatorException("query on " + host.name() + " failed: " + result.stderr().strip());
        }
        return Postgres.rows(result);
    }

    DataCheck.Balances balances(Host primary) {
        String[] f = query(primary, "select count(*), coalesce(sum(balance_cents), 0), "
                + "count(*) filter (where balance_cents < 0) from accounts").get(0).split("\\|");
        return new DataCheck.Balances(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]));
    }

    /** The transfers whose Idempotency-Key starts with the run's prefix ([A-Za-z0-9_-] only, so safe to inline). */
    List<DataCheck.Row> transfers(Host primary, String keyPrefix) {
        if (!keyPrefix.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("bad key prefix " + keyPrefix);
        }
        String like = keyPrefix.replace("_", "\\_") + "-%";
        List<DataCheck.Row> rows = new ArrayList<>();
        for (String line : query(primary, "select idempotency_key, from_account, to_account, amount_cents, id "
                + "from transfers where idempotency_key like '" + like + "'")) {
            String[] f = line.split("\\|", -1);
            rows.add(new DataCheck.Row(f[0], f[1], f[2], Long.parseLong(f[3]), f[4]));
        }
        return rows;
    }

    /** Whether status says the host is a database replica. */
    static boolean isReplica(Status.HostStatus host) {
        return host.host().role() == Role.DB && "replica".equals(String.valueOf(host.health().facts().get("db_role")));
    }

    /**
     * The db host that is primary now: the one whose status says db_role=primary; when status names none, the one
     * that answers {@code pg_is_in_recovery() = false}. Throws when there is none, or more than one.
     */
    Host primary(Status.Report status) {
        List<Host> primaries = status.hosts().stream()
                .filter(h -> h.host().role() == Role.DB)
                .filter(h -> "primary".equals(String.valueOf(h.health().facts().get("db_role"))))
                .map(Status.HostStatus::host).toList();
        if (primaries.isEmpty()) {
            primaries = deployment.topology().hosts(Role.DB).stream().filter(h -> {
                try {
                    return postgres.isPrimary(h);
                } catch (RuntimeException e) {
                    return false;
                }
            }).toList();
        }
        if (primaries.size() != 1) {
            throw new OperatorException(primaries.isEmpty() ? "no database primary answers"
                    : "more than one database primary: " + primaries.stream().map(Host::name).toList());
        }
        return primaries.get(0);
    }
}
