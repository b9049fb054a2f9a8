package dev.scaleup.ops;

import dev.scaleup.render.HaproxyConfig;
import dev.scaleup.render.PatroniConfig;
import dev.scaleup.render.RenderedFile;
import dev.scaleup.runtime.StateDir;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Changes the host count of tiers on a running deployment.
 * <pre>
 *   out: new hosts are made and health-gated by up's machinery; then HAProxy (seamless reload), nginx (reload) and
 *        Patroni (pg_hba, reload) learn of them; app servers get the new database list by a rolling restart
 *   in:  web hosts drained in HAProxy first; a db host loses its leader (switchover) or synchronous-standby role
 *        (nosync tag) first; the rest of the stack is reconfigured without them; then they are stopped and removed
 * </pre>
 */
public final class Scale {

    private Scale() {
    }

    public static void run(StateDir state, Path repoRoot, Map<String, Integer> counts, Progress progress) {
        try (Operation op = Operation.begin(state, repoRoot, "scale", progress)) {
            Deployment now = op.deployment();
            Topology current = now.topology();
            ScalePlan plan = ScalePlan.of(current, counts);
            if (plan.changesNothing()) {
                op.say("nothing to do: web=" + current.web().count() + " app=" + current.app().count()
                        + " db.replicas=" + current.db().replicas() + " already");
                return;
            }
            op.step("from web=" + current.web().count() + " app=" + current.app().count() + " db.replicas="
                    + current.db().replicas() + " to web=" + plan.target().web().count() + " app=" + plan.target().app().count()
                    + " db.replicas=" + plan.target().db().replicas());
            drainWebHosts(op, plan.removed(Role.WEB));
            for (Host db : plan.removed(Role.DB)) {
                moveDbRoles(op, plan.target().hosts(Role.DB), db);
                Down.stopHost(now, db, progress);
                op.step(db.name() + ": stopped and removed from the Patroni cluster");
            }
            try {
                Up.converge(op.on(now.withTopology(plan.target())));
            } catch (RuntimeException e) {
                throw op.failed("scale failed (the deployment still counts as web=" + current.web().count()
                        + " app=" + current.app().count() + " db.replicas=" + current.db().replicas()
                        + "; run the same scale again to finish it): ", e);
            }
            for (Host host : plan.removed()) {
                op.step(now.provisioner().retire(host, progress));
            }
            TopologyStore.save(plan.target(), state.topologyFile());
            op.step(String.format("done in %.1f s: %d hosts added, %d removed", op.elapsedSeconds(),
                    plan.added().size(), plan.removed().size()));
        }
    }

    /** HAProxy stops sending new requests to the web hosts; waits until their sessions end (or 10 s). */
    static void drainWebHosts(Operation op, List<Host> webs) {
        if (webs.isEmpty()) {
            return;
        }
        Deployment deployment = op.deployment();
        LbService lb = op.services().lb();
        for (Host balancer : deployment.topology().hosts(Role.LB)) {
            for (Host web : webs) {
                lb.command(balancer, "set server " + HaproxyConfig.BACKEND + "/" + web.name() + " state drain");
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline && activeSessions(deployment, lb, webs) > 0) {
            sleep(100);
        }
        op.step("drained " + names(webs) + " in HAProxy (" + activeSessions(deployment, lb, webs)
                + " sessions left)");
    }

    private static long activeSessions(Deployment deployment, LbService lb, List<Host> webs) {
        long sessions = 0;
        for (Host balancer : deployment.topology().hosts(Role.LB)) {
            Map<String, Long> perWeb = lb.webSessions(balancer);
            for (Host web : webs) {
                sessions += perWeb.getOrDefault(web.name(), 0L);
            }
        }
        return sessions;
    }

    /**
     * Takes the db roles off a host that is about to stop: the leader role by a switchover to the synchronous standby,
     * the synchronous-standby role by tagging the host nosync. The tag comes first, when another replica can take
     * the role: in strict synchronous mode a synchronous standby that stops blocks every commit until Patroni names
     * another, and a leader demoted by the switchover must not become the synchronous standby just before it stops.
     * The caller renders patroni.yml again (tag off) when the host stays.
     */
    static void moveDbRoles(Operation op, List<Host> staying, Host leaving) {
        Deployment deployment = op.deployment();
        DbService db = op.services().db();
        List<Host> others = staying.stream().filter(h -> !h.equals(leaving)).toList();
        boolean anotherStandby = others.size() > 1;
        if (anotherStandby) {
            tag(deployment, db, leaving, "nosync", true);
        }
        if (db.isLeader(leaving)) {
            // in synchronous mode Patroni hands the primary role only to the synchronous standby (no data loss)
            awaitCondition("a synchronous standby to hand the primary role to", () -> syncStandby(db, others).isPresent());
            Host candidate = syncStandby(db, others).orElseThrow();
            List<Host> cascaded = cascade(op, db, others, candidate);
            String body = "{\"leader\":\"" + leaving.name() + "\",\"candidate\":\"" + candidate.name() + "\"}";
            String answer = db.send(leaving, "POST", "/switchover", body);
            if (!answer.startsWith("200")) {
                cascaded.forEach(h -> ConfigFiles.refresh(deployment, h));
                throw new OperatorException("Patroni refused the switchover from " + leaving.name() + " to "
                        + candidate.name() + " (" + answer + ")");
            }
            awaitCondition("primary role on " + candidate.name(), () -> db.isLeader(candidate));
            op.step("switched the primary role over from " + leaving.name() + " to " + candidate.name());
            cascaded.forEach(h -> ConfigFiles.refresh(deployment, h));
        }
        if (anotherStandby && db.health(leaving).facts().containsKey("sync_standby")) {
            // every replica is synchronous: the role has moved once the leaving host is out of the set
            awaitCondition("another synchronous standby than " + leaving.name(), () -> syncStandby(db, others).isPresent()
                    && !db.health(leaving).facts().containsKey("sync_standby"));
            op.step("moved the synchronous standby role from " + leaving.name() + " to "
                    + syncStandby(db, others).map(Host::name).orElse("?"));
        }
    }

    /**
     * Before a switchover to the candidate, the other replicas stream from the candidate (Patroni's replicatefrom
     * tag): when it is promoted they follow its new timeline at once and one of them is its synchronous standby
     * within a loop, instead of first finding the new primary. In strict synchronous mode the new primary takes
     * no commit until it has one, so this is the switchover's write stall (measured in docs/RELIABILITY.md).
     */
    private static List<Host> cascade(Operation op, DbService db, List<Host> others, Host candidate) {
        List<Host> replicas = others.stream().filter(h -> !h.equals(candidate)).toList();
        for (Host replica : replicas) {
            tag(op.deployment(), db, replica, "replicatefrom", candidate.name());
        }
        for (Host replica : replicas) {
            awaitCondition(replica.name() + " streaming from " + candidate.name(), () -> streamsFrom(db, replica, candidate));
            op.step(replica.name() + " streams from " + candidate.name() + " (the switchover's candidate)");
        }
        return replicas;
    }

    private static boolean streamsFrom(DbService db, Host replica, Host upstream) {
        try {
            return !db.postgres().query(upstream, "select 1 from pg_stat_replication where application_name = '"
                    + replica.name() + "' and state = 'streaming'").isEmpty();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Sets one tag in the host's patroni.yml and reloads Patroni (nosync: never the synchronous standby). */
    private static void tag(Deployment deployment, DbService db, Host host, String tag, Object value) {
        String conf = deployment.target().readConfig(host, PatroniConfig.FILE).orElseThrow(() ->
                new OperatorException("cannot tag " + host.name() + " " + tag + ": it has no " + PatroniConfig.FILE));
        // the file keeps its owner (postgres) and mode; the next render writes it whole again
        ConfigFiles.write(deployment, host, List.of(new RenderedFile(PatroniConfig.FILE,
                PatroniConfig.withTag(conf, tag, value), RenderedFile.PRIVATE)));
        db.reload(host, List.of(PatroniConfig.FILE));
    }

    private static Optional<Host> syncStandby(DbService db, List<Host> hosts) {
        return hosts.stream().filter(h -> db.health(h).facts().containsKey("sync_standby")).findFirst();
    }

    private static void awaitCondition(String what, java.util.function.BooleanSupplier condition) {
        dev.scaleup.runtime.Readiness.await(what, Duration.ofSeconds(30), condition, () -> true);
    }

    private static String names(List<Host> hosts) {
        return String.join(", ", hosts.stream().map(Host::name).toList());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
