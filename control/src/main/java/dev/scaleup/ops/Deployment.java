package dev.scaleup.ops;

import static java.util.Objects.requireNonNull;

import dev.scaleup.render.HostPaths;
import dev.scaleup.render.Secrets;
import dev.scaleup.runtime.HostNetwork;
import dev.scaleup.runtime.Names;
import dev.scaleup.runtime.ProcessSpec;
import dev.scaleup.runtime.Processes;
import dev.scaleup.runtime.StateDir;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Topology;
import java.nio.file.Path;
import java.util.Optional;

/** One deployment: its topology, its state directory and its network, with the helpers every operation needs. */
public final class Deployment {

    private final Topology topology;
    private final StateDir state;
    private final HostNetwork network;
    private final Path repoRoot;
    private Secrets secrets;

    public Deployment(Topology topology, StateDir state, Path repoRoot) {
        this.topology = requireNonNull(topology, "topology is null");
        this.state = requireNonNull(state, "state is null");
        this.repoRoot = requireNonNull(repoRoot, "repoRoot is null");
        this.network = new HostNetwork(topology);
    }

    public Topology topology() {
        return topology;
    }

    public StateDir state() {
        return state;
    }

    public HostNetwork network() {
        return network;
    }

    public Names names() {
        return network.names();
    }

    public Path repoRoot() {
        return repoRoot;
    }

    public HostPaths paths(Host host) {
        return state.host(host.name());
    }

    public String namespace(Host host) {
        return names().namespace(host);
    }

    public synchronized Secrets secrets() {
        if (secrets == null) {
            secrets = state.secrets();
        }
        return secrets;
    }

    /** The app build the app hosts run: the directory named in {@code artifacts/current}. */
    public Path appArtifact() {
        Path current = state.artifacts().resolve("current");
        try {
            return state.artifacts().resolve(java.nio.file.Files.readString(current).strip());
        } catch (java.io.IOException e) {
            return state.artifacts().resolve("app-unknown");
        }
    }

    public void useAppArtifact(Path dir) {
        try {
            java.nio.file.Files.writeString(state.artifacts().resolve("current"), dir.getFileName().toString() + "\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Every process of the host in start order: its etcd member (if it is one), then its role's processes. */
    public java.util.List<ProcessSpec> processes(Host host, HostService service) {
        java.util.List<ProcessSpec> all = new java.util.ArrayList<>();
        new Coordination(this).process(host).ifPresent(all::add);
        all.addAll(service.processes(host));
        return all;
    }

    public Optional<Long> running(Host host, ProcessSpec spec) {
        return Processes.running(namespace(host), paths(host), spec);
    }

    public boolean isRunning(Host host, ProcessSpec spec) {
        return running(host, spec).isPresent();
    }
}
