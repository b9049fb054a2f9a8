package dev.scaleup.ops;

import dev.scaleup.runtime.Exec;
import java.util.List;

/** Sends a signal to a verified pid (reloads: HUP for nginx, keepalived and Patroni; USR2 for HAProxy's master). */
final class Signals {

    private Signals() {
    }

    static void send(long pid, String signal) {
        Exec.run(List.of("kill", "-s", signal, Long.toString(pid))).orThrow();
    }
}
