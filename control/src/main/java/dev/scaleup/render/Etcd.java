package dev.scaleup.render;

import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The coordination store Patroni keeps its leader key in: an etcd cluster that must survive the loss of any one host,
 * so three members on three hosts, and only on database hosts: db1, db2 and db3. The database's quorum then depends on
 * nothing but the database tier (an application server that dies, is scaled in or redeployed takes no member with
 * it), and scaling never changes the membership: scale-in removes the highest-numbered hosts, and {@code ScalePlan}
 * refuses fewer than {@link #REPLICAS_FOR_QUORUM} replicas on a deployment that has them. A deployment with fewer
 * replicas has one member, on db1 (two members would add a second host whose loss stops the cluster, not a spare).
 */
public final class Etcd {

    public static final int CLIENT_PORT = 2379;
    public static final int PEER_PORT = 2380;
    static final int MEMBERS = 3;
    /** db.replicas from which the store has its three members on db1..db3. */
    public static final int REPLICAS_FOR_QUORUM = MEMBERS - 1;

    private Etcd() {}

    public static List<Host> members(Topology t) {
        List<Host> db = t.hosts(Role.DB);
        if (t.db().replicas() < REPLICAS_FOR_QUORUM) {
            return List.of(db.get(0));
        }
        return List.copyOf(db.subList(0, MEMBERS));
    }

    public static boolean isMember(Topology t, Host host) {
        return members(t).contains(host);
    }

    /** Where a member keeps its data: its own directory in the db host's data directory. */
    public static java.nio.file.Path dataDir(HostPaths paths) {
        return paths.data().resolve("etcd");
    }

    /**
     * The etcd command line of a member: foreground, data in the host's data directory, 100 ms heartbeats, and Raft's
     * pre-vote. Without pre-vote (etcd 3.4's default), a member cut off from the others keeps starting elections and
     * raising its term, and when it comes back that term makes the leader step down: in a fresh-clone CI run
     * (2026-12-03, db-primary-partition) the cluster had no leader for about 5 s after the partition ended, the new
     * primary's leader key could not be renewed and expired as soon as a leader was elected, and the old primary, whose
     * Patroni still read itself as the key's owner from its own member's stale copy, took the key (Patroni 3.0.2's
     * update of a missing leader key creates it) and promoted itself on its old timeline: 427 acknowledged writes lost.
     * With pre-vote a member that cannot win an election does not raise its term, so its return disturbs nothing.
     */
    public static List<String> command(Topology t, Host host, HostPaths paths) {
        String self = "http://" + host.address();
        String cluster = members(t).stream().map(m -> m.name() + "=http://" + m.address() + ":" + PEER_PORT)
                .collect(Collectors.joining(","));
        return List.of("/usr/bin/etcd",
                "--name", host.name(),
                "--data-dir", Text.path(dataDir(paths)),
                "--listen-peer-urls", self + ":" + PEER_PORT,
                "--initial-advertise-peer-urls", self + ":" + PEER_PORT,
                "--listen-client-urls", self + ":" + CLIENT_PORT,
                "--advertise-client-urls", self + ":" + CLIENT_PORT,
                "--initial-cluster", cluster,
                "--initial-cluster-state", "new",
                "--initial-cluster-token", t.name() + "-etcd",
                "--enable-v2=true",
                "--heartbeat-interval", "100",
                "--election-timeout", "1000",
                "--pre-vote=true",
                "--logger", "zap",
                "--log-level", "warn");
    }
}
