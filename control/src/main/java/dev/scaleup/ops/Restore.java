package dev.scaleup.ops;

import static java.util.Objects.requireNonNull;

import dev.scaleup.render.PatroniConfig;
import dev.scaleup.render.PgBackRestConfig;
import dev.scaleup.runtime.Exec;
import dev.scaleup.runtime.ProcessSpec;
import dev.scaleup.runtime.Readiness;
import dev.scaleup.runtime.StateDir;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * {@code scaleup restore}: the database back to a point in time (or to the end of the archive), as a new cluster
 * under Patroni, the stack healthy again.
 * <pre>
 *   1 app servers stopped          no write after this is acknowledged (the site answers 502 meanwhile)
 *   2 pgbackrest check             the primary switches to a new WAL segment; wait until it is archived
 *   3 Patroni stopped              replicas first (none may take over), then the primary
 *   4 pgbackrest --delta restore   on the primary's host; PostgreSQL replays the archive to the target, promotes
 *   5 patronictl remove            the cluster's keys in etcd (the old history); Patroni on the restored host first
 *   6 replicas emptied, up         Patroni clones them from the new primary; app servers back; every host healthy
 *   7 pgbackrest check             archiving works on the new timeline
 * </pre>
 * Refused before anything changes: backups off, no backup before the target, a target after the newest archived
 * WAL.
 */
public final class Restore {

    /** patronictl remove's second question, answered as its documentation says. */
    private static final String REMOVE_CONFIRMATION = "Yes I am aware";
    private static final Duration PATRONI_STOP = Duration.ofSeconds(30);
    private final Operation op;
    private final Deployment deployment;
    private final DbService db;
    private final Backups backups;

    /**
     * What a restore did.
     *
     * @param target the point in time, or latest
     * @param backup the backup it started from
     * @param primary the host that is primary after it
     * @param seconds from the app servers' stop to a healthy stack
     * @param writesStopped when the last app server had stopped: no write is acknowledged after it until the
     *     restored database serves
     */
    public record Result(String target, String backup, String primary, double seconds, Instant writesStopped) {
    }

    private Restore(Operation op) {
        this.op = requireNonNull(op, "op is null");
        this.deployment = op.deployment();
        this.db = deployment.services().db();
        this.backups = new Backups(deployment);
    }

    /**
     * Plans the restore, shows the plan, asks {@code confirm} (false: nothing is changed), then restores.
     */
    public static Result run(StateDir state, Path repoRoot, RestoreTarget target, Predicate<List<String>> confirm,
                             Progress progress) {
        try (Operation op = Operation.begin(state, repoRoot, "restore", progress)) {
            Restore restore = new Restore(op);
            Plan plan = restore.plan(target);
            if (!confirm.test(plan.lines())) {
                throw new RefusedException("restore: not confirmed; nothing was changed");
            }
            try {
                return restore.execute(plan);
            } catch (RuntimeException e) {
                throw op.failed("restore: ", e);
            }
        }
    }

    /** What the restore will do, decided before anything changes. */
    record Plan(RestoreTarget target, BackupInfo.Entry backup, Host primary, List<Host> replicas,
                Optional<Host> leader, List<String> lines) {
    }

    private Plan plan(RestoreTarget target) {
        backups.host(); // refused when the deployment has no backup host
        BackupInfo.Entry backup = target.backup(backups.info());
        Optional<Host> leader = db.leader();
        if (leader.isPresent()) {
            target.requireReachable(primaryClock(leader.get()));
        } else if (!target.isLatest()) {
            throw new RefusedException("restore: no db host leads now, so how far the archive reaches cannot be"
                    + " checked: restore to the end of the archive (--latest), or by hand (docs/BACKUPS.md)");
        }
        List<Host> dbHosts = deployment.topology().hosts(Role.DB);
        Host primary = leader.orElse(dbHosts.get(0));
        List<Host> replicas = dbHosts.stream().filter(h -> !h.equals(primary)).toList();
        List<String> apps = names(deployment.topology().hosts(Role.APP));
        List<String> lines = List.of(
                "restore " + deployment.topology().name() + " to " + target.describe() + ", from the backup "
                        + backup.label() + " (" + backup.type() + ", ended " + backup.stop() + ") and the archived WAL"
                        + " after it; everything written after the target is discarded",
                "1. stop the app servers (" + String.join(", ", apps) + "): the site answers 502 until step 6",
                "2. switch the primary's WAL segment and wait until it is archived (pgbackrest check)",
                "3. stop Patroni on " + String.join(", ", names(replicas)) + (replicas.isEmpty() ? "" : ", then ")
                        + primary.name(),
                "4. restore " + primary.name() + "'s data directory (pgbackrest " + String.join(" ",
                        target.pgbackrestArgs()) + "); PostgreSQL replays the archive and promotes",
                "5. remove the cluster " + deployment.topology().name() + " from etcd (patronictl remove); start"
                        + " Patroni on " + primary.name() + " alone: it leads the restored data",
                "6. empty the data directories of " + (replicas.isEmpty() ? "no replica" : String.join(", ",
                        names(replicas))) + " (Patroni clones them from " + primary.name() + "), start them and the"
                        + " app servers; wait until every host is healthy",
                "7. check that WAL archiving works on the new timeline");
        return new Plan(target, backup, primary, replicas, leader, lines);
    }

    private Result execute(Plan plan) {
        long start = System.nanoTime();
        op.step("to " + plan.target().describe() + " from " + plan.backup().label() + " onto "
                + plan.primary().name());
        stopApps();
        Instant writesStopped = Instant.now();
        try {
            archiveNow(plan.leader());
        } catch (RuntimeException e) {
            // nothing of the database changed yet: the stack goes back to serving as it was
            op.step("stopped before touching the database: " + e.getMessage().lines().findFirst().orElse("")
                    + "; starting the app servers again");
            Up.startStopped(op);
            throw e;
        }
        List<Host> stopOrder = new ArrayList<>(plan.replicas());
        stopOrder.add(plan.primary());
        stopOrder.forEach(this::stopPatroni);
        PitrRecovery recovery = new PitrRecovery(deployment, plan.primary());
        op.step(recovery.restore(plan.target()));
        op.step(recovery.recover(op.progress()));
        op.step(recovery.reset());
        removeCluster(plan);
        for (Host replica : plan.replicas()) {
            Optional.ofNullable(new PitrRecovery(deployment, replica).stopLeftover()).ifPresent(op::step);
            // its contents: the directory itself stays, postgres's with mode 0700 (on a server its parent is root's)
            deployment.target().exec(replica, List.of("find", PgBackRestConfig.pgData(deployment.paths(replica))
                    .toString(), "-mindepth", "1", "-delete"), Duration.ofMinutes(10)).orThrow();
            op.step(replica.name() + ": emptied its data directory (Patroni clones it from " + plan.primary().name() + ")");
        }
        startPrimary(plan.primary());
        Up.startStopped(op);
        archiveNow(db.leader());
        double seconds = (System.nanoTime() - start) / 1e9;
        op.step(String.format(Locale.ROOT, "done in %.1f s; %s is primary. Take a full backup now"
                + " (`scaleup backup`): restores to later points then start from it rather than replaying this one's"
                + " history", seconds, plan.primary().name()));
        return new Result(plan.target().describe(), plan.backup().label(), plan.primary().name(), seconds,
                writesStopped);
    }

    /** The primary's clock (now()): how far the archive reaches once the restore switched the WAL segment. */
    private Instant primaryClock(Host leader) {
        String now = db.postgres().query(leader, "select to_char(now() at time zone 'UTC',"
                + " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')").get(0);
        return OffsetDateTime.parse(now, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    }

    private void stopApps() {
        HostService app = deployment.services().of(Role.APP);
        for (Host host : deployment.topology().hosts(Role.APP)) {
            List<ProcessSpec> specs = new ArrayList<>(app.processes(host));
            Collections.reverse(specs);
            for (ProcessSpec spec : specs) {
                if (!spec.supervised()) {
                    op.step(host.name() + ": " + deployment.target().stop(host, spec, Down.STOP_DEADLINE));
                }
            }
        }
    }

    /** A WAL switch on the primary and the wait until that segment is archived: pgBackRest's check does both. */
    private void archiveNow(Optional<Host> leader) {
        if (leader.isEmpty()) {
            op.step("no primary answers: the archive ends where the last primary left it");
            return;
        }
        long start = System.nanoTime();
        Exec.Result check = backups.pgbackrest(List.of("check"), Duration.ofMinutes(5));
        if (!check.ok()) {
            throw new OperatorException("WAL archiving does not reach the repository (pgbackrest check): "
                    + (check.stderr() + check.stdout()).strip());
        }
        op.step(String.format(Locale.ROOT, "%s: switched its WAL segment, archived in %.1f s (pgbackrest"
                + " check)", leader.get().name(), (System.nanoTime() - start) / 1e9));
    }

    private void stopPatroni(Host host) {
        ProcessSpec patroni = db.processes(host).get(0);
        op.step(host.name() + ": " + deployment.target().stop(host, patroni, PATRONI_STOP));
    }

    /** The old cluster's keys (leader, members, history, config) go; Patroni writes them anew from patroni.yml. */
    private void removeCluster(Plan plan) {
        String scope = deployment.topology().name();
        List<String> command = new ArrayList<>(Postgres.AS_POSTGRES);
        command.addAll(List.of("/usr/bin/patronictl", "-c", deployment.paths(plan.primary()).conf(PatroniConfig.FILE)
                .toString(), "remove", scope));
        // the third answer is asked only while a leader key is held (a Patroni that was killed, before its ttl)
        String answers = scope + "\n" + REMOVE_CONFIRMATION + "\n" + plan.leader().map(Host::name).orElse("") + "\n";
        Exec.Result result = deployment.target().exec(plan.primary(), command, Map.of(),
                Duration.ofSeconds(60), answers);
        if (!result.ok()) {
            throw new OperatorException("patronictl remove " + scope + " failed: " + (result.stderr() + result.stdout())
                    .strip());
        }
        op.step("etcd: removed the cluster " + scope + " (patronictl remove): Patroni starts it anew from "
                + plan.primary().name() + "'s data");
    }

    private void startPrimary(Host host) {
        ProcessSpec patroni = db.processes(host).get(0);
        long pid = deployment.target().start(host, patroni);
        op.step(host.name() + ": started patroni (pid " + pid + ") on the restored data");
        db.awaitReady(host, patroni);
        Readiness.await(host.name() + " leading the restored cluster", Duration.ofSeconds(60),
                () -> db.isLeader(host), () -> deployment.isRunning(host, patroni));
        op.step(host.name() + ": leads the restored cluster");
    }

    private static List<String> names(List<Host> hosts) {
        return hosts.stream().map(Host::name).toList();
    }
}
