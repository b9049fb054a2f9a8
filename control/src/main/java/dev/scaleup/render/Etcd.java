package dev.scaleup.render;

import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The coordination store Patroni keeps its leader key in: an etcd cluster that must survive the loss of any one host,
 * so three members on three hosts: db1, db2, then the first app hosts (the tier next to the database, which already
 * talks to it). Only db1, db2 and app1.. take part so that scaling never changes the membership: scale-in removes
 * the highest-numbered hosts and keeps at least db1, db2 (one replica) and app1. Without a replica there is nothing
 * to fail over to, and one member on db1 is enough.
 */
public final class Etcd {

    public static final int CLIENT_PORT = 2379;
    public static final int PEER_PORT = 2380;
    static final int MEMBERS = 3;

    private Etcd() {}

    public static List<Host> members(Topology t) {
        List<Host> candidates = new ArrayList<>(t.hosts(Role.DB).stream().filter(h -> h.index() <= 2).toList());
        candidates.addAll(t.hosts(Role.APP));
        if (t.db().replicas() == 0 || candidates.size() < MEMBERS) {
            return List.of(t.hosts(Role.DB).get(0));
        }
        return List.copyOf(candidates.subList(0, MEMBERS));
    }

    public static boolean isMember(Topology t, Host host) {
        return members(t).contains(host);
    }

    /** The etcd command line of a member: foreground, data in the host's data directory, 100 ms heartbeats. */
    public static List<String> command(Topology t, Host host, HostPaths paths) {
        String self = "http://" + host.address();
        String cluster = members(t).stream().map(m -> m.name() + "=http://" + m.address() + ":" + PEER_PORT)
                .collect(Collectors.joining(","));
        return List.of("/usr/bin/etcd",
                "--name", host.name(),
                "--data-dir", Text.path(paths.data().resolve("etcd")),
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
                "--logger", "zap",
                "--log-level", "warn");
    }
}
