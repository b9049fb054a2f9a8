package dev.scaleup.lab;

import static java.util.Objects.requireNonNull;

import dev.scaleup.topology.Ipv4;
import dev.scaleup.topology.Role;

/** One throwaway host: scaleup's host name (role + number) and its static address on the lab's bridge. */
public record LabHost(String name, Role role, Ipv4 address) {

    public LabHost {
        requireNonNull(name, "name is null");
        requireNonNull(role, "role is null");
        requireNonNull(address, "address is null");
    }
}
