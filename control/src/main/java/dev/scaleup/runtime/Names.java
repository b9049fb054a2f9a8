package dev.scaleup.runtime;

import dev.scaleup.topology.Host;

/** How a deployment's kernel objects are named. Interface names are limited to 15 characters: name ≤ 8, host ≤ 5. */
public record Names(String deployment) {

    public String bridge() {
        return deployment + "-br";
    }

    public String namespace(Host host) {
        return namespace(host.name());
    }

    public String namespace(String hostName) {
        return deployment + "-" + hostName;
    }

    /** The root-namespace end of the host's veth pair. */
    public String veth(Host host) {
        return deployment + "-" + host.name();
    }

    /** True when a namespace of this deployment has this name. */
    public boolean owns(String namespace) {
        return namespace.startsWith(deployment + "-");
    }
}
