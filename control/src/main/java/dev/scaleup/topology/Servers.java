package dev.scaleup.topology;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.Comparator;

/**
 * What {@code target: hosts} adds to a topology: the servers listed in the file (the first {@code count} of each role
 * are in use, the others spares) and the interface they talk on and the load balancers hold the VIP on.
 *
 * @param netInterface network.interface: eth0, ens3, host0 (a systemd-nspawn container's veth)
 * @param listed every listed server, in the file's order
 */
public record Servers(String netInterface, List<Server> listed) {

    public Servers {
        requireNonNull(netInterface, "netInterface is null");
        listed = List.copyOf(listed);
    }

    public Optional<Server> named(String name) {
        return listed.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The listed servers of a role, by number. */
    public List<Server> of(Role role) {
        return listed.stream().filter(s -> s.role() == role)
                .sorted(Comparator.comparingInt(Server::index)).toList();
    }
}
