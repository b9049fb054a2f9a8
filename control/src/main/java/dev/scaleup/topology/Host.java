package dev.scaleup.topology;

import static java.util.Objects.requireNonNull;

/** One server of the deployment: a network namespace on one machine, a real machine beyond one. */
public record Host(String name, Role role, int index, Ipv4 address) {

    public Host {
        requireNonNull(name, "name is null");
        requireNonNull(role, "role is null");
        requireNonNull(address, "address is null");
    }
}
