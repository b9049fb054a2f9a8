package dev.scaleup.topology;

import static java.util.Objects.requireNonNull;

/**
 * One server listed under {@code hosts:} on the hosts target, in use or a spare for a later scale.
 *
 * @param name scaleup's host name: the role's prefix and the number ({@code web2})
 * @param address the server's address in network.subnet
 * @param ssh how to reach it: the ssh section with this host's overrides applied
 */
public record Server(String name, Role role, int index, Ipv4 address, Ssh ssh) {

    public Server {
        requireNonNull(name, "name is null");
        requireNonNull(role, "role is null");
        requireNonNull(address, "address is null");
        requireNonNull(ssh, "ssh is null");
    }
}
