package dev.scaleup.ops;

import dev.scaleup.render.AppProperties;
import dev.scaleup.topology.Db;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code db.pooler} changed on a running netns deployment. {@code up} rolls the app servers to the new port one at a
 * time, drained first, and each db host's firewall lets the app hosts reach one port only. Loaded at the start of
 * {@code up}, the new rules would refuse every new connection of the app servers that have not moved yet (their
 * pools open connections as load grows or as old ones reach their lifetime), so until the last app server has moved
 * the db hosts accept the app hosts on both ports: PostgreSQL's own and PgBouncer's. {@code up} loads the final rules
 * once the app tier is done; then PgBouncer stops if the pooler was turned off ({@link DbService#stopRetired}).
 */
final class PoolerMove {

    private PoolerMove() {}

    /** Whether an app server's rendered settings say another {@code db.pooled} than the topology. */
    static boolean pending(Deployment deployment) {
        Topology t = deployment.topology();
        for (Host app : t.hosts(Role.APP)) {
            if (!deployment.target().exists(app)) {
                continue;
            }
            Optional<String> properties = deployment.target().readConfig(app, AppProperties.FILE);
            if (properties.isPresent() && pooled(properties.get()) != t.db().pooler()) {
                return true;
            }
        }
        return false;
    }

    static boolean pooled(String appProperties) {
        return appProperties.lines().anyMatch(l -> l.strip().equals("db.pooled=true"));
    }

    /**
     * Adds a rule to each db host's loaded firewall that lets the app hosts in on the port they are moving from. The
     * table then differs from the one its file loads, so the next {@link Firewall#apply} replaces it.
     */
    static List<String> openBothPorts(Deployment deployment) {
        Topology t = deployment.topology();
        int from = t.db().pooler() ? t.db().port() : Db.POOLER_PORT;
        List<String> apps = t.hosts(Role.APP).stream().map(h -> h.address().toString()).toList();
        List<String> done = new ArrayList<>();
        if (apps.isEmpty()) {
            return done;
        }
        for (Host db : t.hosts(Role.DB)) {
            List<String> command = List.of("nft", "add", "rule", "inet", dev.scaleup.render.FirewallConfig.TABLE, "input",
                    "ip", "saddr", "{ " + String.join(", ", apps) + " }", "tcp", "dport", Integer.toString(from), "accept",
                    "comment", "\"app hosts still on port " + from + " while db.pooler changes\"");
            deployment.target().exec(db, command, Firewall.NFT_TIMEOUT).orThrow();
            done.add(db.name() + ": app hosts may also reach port " + from + " until every app server has moved ("
                    + (t.db().pooler() ? "db.pooler turned on" : "db.pooler turned off") + ")");
        }
        return done;
    }
}
