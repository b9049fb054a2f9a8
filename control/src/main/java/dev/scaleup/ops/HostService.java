package dev.scaleup.ops;

import dev.scaleup.runtime.ProcessSpec;
import dev.scaleup.topology.Host;
import java.util.List;

/** What it takes to run one role on a host: its processes in start order, one-time preparation, readiness, health. */
public interface HostService {

    /** Waits until the host's process listens on the port (seen inside its namespace: the firewall has no say). */
    static void awaitListening(Deployment deployment, Host host, ProcessSpec spec, int port) {
        dev.scaleup.runtime.Readiness.await(host.name() + " " + spec.name() + " listening on " + host.address() + ":"
                + port, java.time.Duration.ofSeconds(20), () -> !deployment.target().exec(host,
                dev.scaleup.runtime.NetCommands.listening(port), java.time.Duration.ofSeconds(5)).stdout().isBlank(),
                () -> deployment.isRunning(host, spec));
    }

    List<ProcessSpec> processes(Host host);

    /**
     * Prepares what must exist before the first start (data directories, base backups, site files). Idempotent.
     * Returns a sentence saying what it changed, or null when there was nothing to do.
     */
    default String prepare(Host host) {
        return null;
    }

    /** Returns once the process serves; throws {@link dev.scaleup.runtime.Readiness.NotReadyException} otherwise. */
    void awaitReady(Host host, ProcessSpec spec);

    /**
     * Stops what runs on the host but the topology no longer asks for (run at the end of {@code up}, once every tier
     * has its new settings). Returns a sentence for each process it stopped.
     */
    default List<String> stopRetired(Host host) {
        return List.of();
    }

    /** Runs after every process of the host is ready (for example the database bootstrap). */
    default void afterStart(Host host, Progress progress) {
    }

    HostHealth health(Host host);

    /**
     * Applies changed config files to the running host without dropping traffic (a reload where the component has
     * one). Returns a sentence saying what it did, or null when a restart is needed instead (the caller restarts).
     */
    default String reload(Host host, java.util.List<String> changedFiles) {
        return null;
    }
}
