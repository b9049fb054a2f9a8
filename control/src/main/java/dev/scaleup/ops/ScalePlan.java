package dev.scaleup.ops;

import dev.scaleup.render.Etcd;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code scaleup scale web=3 app=5 db.replicas=2} asks for, checked against the running topology: the target
 * topology, and the hosts that come and go. Pure: a refused request is refused before anything changes.
 */
public record ScalePlan(Topology current, Topology target, List<Host> added, List<Host> removed) {

    static final Map<String, Role> KEYS = new LinkedHashMap<>(Map.of("web", Role.WEB, "app", Role.APP, "db.replicas", Role.DB));

    /** Parses {@code key=count} words; throws with the key, what was found and what is allowed. */
    public static Map<String, Integer> parse(List<String> words) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String word : words) {
            int eq = word.indexOf('=');
            String key = eq < 0 ? word : word.substring(0, eq);
            if (!KEYS.containsKey(key)) {
                throw new RefusedException("scale: unknown tier '" + key + "'; allowed: web=N, app=N, db.replicas=N"
                        + (key.equals("lb") ? " (the load balancers are a fixed pair)" : ""));
            }
            String value = eq < 0 ? "" : word.substring(eq + 1);
            if (!value.matches("\\d{1,4}")) {
                throw new RefusedException("scale: " + key + " needs a count, like " + key + "=3; got '" + word + "'");
            }
            if (counts.put(key, Integer.parseInt(value)) != null) {
                throw new RefusedException("scale: " + key + " is given twice");
            }
        }
        if (counts.isEmpty()) {
            throw new RefusedException("scale: say what to scale, e.g. scale web=3 app=5 db.replicas=2");
        }
        return counts;
    }

    public static ScalePlan of(Topology current, Map<String, Integer> counts) {
        int web = counts.getOrDefault("web", current.web().count());
        int app = counts.getOrDefault("app", current.app().count());
        int replicas = counts.getOrDefault("db.replicas", current.db().replicas());
        List<String> problems = new ArrayList<>();
        if (web < 1 || web > Role.WEB.capacity()) {
            problems.add("web must be between 1 and " + Role.WEB.capacity() + " (the address plan's room), got " + web);
        }
        if (app < 1 || app > Role.APP.capacity()) {
            problems.add("app must be between 1 and " + Role.APP.capacity() + " (the address plan's room), got " + app);
        }
        // the etcd members are db1..db3 on a deployment with two replicas or more: scaling below would remove one
        int minReplicas = current.db().replicas() >= Etcd.REPLICAS_FOR_QUORUM ? Etcd.REPLICAS_FOR_QUORUM
                : current.db().replicas() > 0 ? 1 : 0;
        if (replicas < minReplicas || replicas > Role.DB.capacity() - 1) {
            problems.add("db.replicas must be between " + minReplicas + " and " + (Role.DB.capacity() - 1)
                    + why(minReplicas, current) + ", got " + replicas);
        }
        if (problems.isEmpty() && current.onServers()) {
            problems.addAll(unlisted(current, new java.util.EnumMap<>(Map.of(Role.WEB, web, Role.APP, app, Role.DB, replicas + 1))));
        }
        if (!problems.isEmpty()) {
            throw new RefusedException("scale refused, nothing changed: " + String.join("; ", problems));
        }
        Topology target = current.withWeb(current.web().withCount(web)).withApp(current.app().withCount(app))
                .withDb(current.db().withReplicas(replicas));
        if (!Etcd.members(current).equals(Etcd.members(target))) {
            throw new RefusedException("scale refused, nothing changed: the etcd members would change from "
                    + names(Etcd.members(current)) + " to " + names(Etcd.members(target))
                    + "; a deployment made with fewer than " + Etcd.REPLICAS_FOR_QUORUM
                    + " replicas keeps its single member (recreate it with down and up)");
        }
        List<Host> added = target.hosts().stream().filter(h -> !current.hosts().contains(h)).toList();
        List<Host> removed = current.hosts().stream().filter(h -> !target.hosts().contains(h)).toList();
        return new ScalePlan(current, target, added, removed);
    }

    /**
     * On servers a tier grows only onto hosts its file lists (spares): a sentence for each tier that would need a
     * host that is not there, naming what to add.
     */
    private static List<String> unlisted(Topology current, Map<Role, Integer> wanted) {
        List<String> problems = new ArrayList<>();
        wanted.forEach((role, count) -> {
            List<String> missing = new ArrayList<>();
            for (int i = 1; i <= count; i++) {
                if (current.servers().named(role.hostName(i)).isEmpty()) {
                    missing.add(role.hostName(i));
                }
            }
            if (!missing.isEmpty()) {
                String listed = String.join(", ", current.servers().of(role).stream().map(s -> s.name()).toList());
                problems.add((role == Role.DB ? "db.replicas=" + (count - 1) : role.prefix() + "=" + count) + " needs "
                        + String.join(", ", missing) + ", which the deployment's hosts do not list (" + role.prefix()
                        + " hosts listed: " + (listed.isEmpty() ? "none" : listed) + "); add "
                        + (missing.size() == 1 ? "it" : "them") + " under 'hosts' in the topology file and run"
                        + " `scaleup up -f FILE` (it records the spares and changes nothing that runs), then scale");
            }
        });
        return problems;
    }

    public boolean changesNothing() {
        return added.isEmpty() && removed.isEmpty();
    }

    public List<Host> removed(Role role) {
        return removed.stream().filter(h -> h.role() == role).toList();
    }

    public List<Host> added(Role role) {
        return added.stream().filter(h -> h.role() == role).toList();
    }

    private static String why(int minReplicas, Topology current) {
        if (minReplicas == Etcd.REPLICAS_FOR_QUORUM) {
            return " (the etcd members are " + names(Etcd.members(current)) + ")";
        }
        return minReplicas == 1 ? " (synchronous replication needs a standby)" : "";
    }

    private static String names(List<Host> hosts) {
        return String.join(", ", hosts.stream().map(Host::name).toList());
    }
}
