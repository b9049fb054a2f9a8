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

    /** The app build this app host runs: its own choice during a rolling deploy, else the deployment's. */
    public Path appArtifact(Host host) {
        try {
            Path own = paths(host).root().resolve("app-artifact");
            if (java.nio.file.Files.exists(own)) {
                return state.artifacts().resolve(java.nio.file.Files.readString(own).strip());
            }
        } catch (java.io.IOException e) {
            // fall back to the deployment's build
        }
        return appArtifact();
    }

    public void useAppArtifact(Host host, Path dir) {
        try {
            java.nio.file.Files.createDirectories(paths(host).root());
            java.nio.file.Files.writeString(paths(host).root().resolve("app-artifact"), dir.getFileName() + "\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** App hosts the web tier must not send requests to right now (kept on disk so every command renders alike). */
    public synchronized java.util.Set<String> drainedApps() {
        try {
            Path file = state.real().resolve("drained-apps");
            if (!java.nio.file.Files.exists(file)) {
                return java.util.Set.of();
            }
            return java.util.Set.copyOf(java.nio.file.Files.readAllLines(file).stream().map(String::strip)
                    .filter(s -> !s.isEmpty()).toList());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public synchronized void setDrainedApps(java.util.Set<String> hosts) {
        try {
            java.nio.file.Files.write(state.real().resolve("drained-apps"), new java.util.TreeSet<>(hosts));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Every config file of the host as the topology and the current drain state say. */
    public java.util.List<dev.scaleup.render.RenderedFile> render(Host host) {
        return dev.scaleup.render.Renderers.forHost(topology, host, paths(host), secrets(), drainedApps());
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
