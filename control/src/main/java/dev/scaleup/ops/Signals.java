package dev.scaleup.ops;

import dev.scaleup.runtime.ProcessSpec;
import dev.scaleup.topology.Host;

/** Reloads by signal (HUP for nginx, keepalived and Patroni; USR2 for HAProxy's master) of a process that must run. */
final class Signals {

    private Signals() {
    }

    static void send(Deployment deployment, Host host, ProcessSpec spec, String signal) {
        if (!deployment.target().signal(host, spec, signal)) {
            throw new OperatorException(host.name() + ": " + spec.name() + " is not running, so it cannot be reloaded"
                    + " (`scaleup up` starts it)");
        }
    }
}
