package dev.scaleup.ops;

import static java.util.Objects.requireNonNull;

import dev.scaleup.render.HostPaths;
import dev.scaleup.render.RenderedFile;
import dev.scaleup.render.Renderers;
import dev.scaleup.render.Secrets;
import dev.scaleup.runtime.HostsTarget;
import dev.scaleup.runtime.NetnsTarget;
import dev.scaleup.runtime.SshCommands;
import dev.scaleup.runtime.ProcessSpec;
import dev.scaleup.runtime.StateDir;
import dev.scaleup.runtime.Target;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Topology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One deployment: its topology, its state directory and the {@link Target} its hosts are on, with what every
 * operation needs of them (tools, the service of each role, secrets, the app build, the drain state).
 */
public final class Deployment {

    private final Topology topology;
    private final StateDir state;
    private final Target target;
    private final Provisioner provisioner;
    private final Path repoRoot;
    private Secrets secrets;
    private Tools tools;
    private Services services;

    public Deployment(Topology topology, StateDir state, Path repoRoot) {
        this.topology = requireNonNull(topology, "topology is null");
        this.state = requireNonNull(state, "state is null");
        this.repoRoot = requireNonNull(repoRoot, "repoRoot is null");
        if (topology.onServers()) {
            HostsTarget servers = new HostsTarget(topology, hostKeys(state), state.path().resolve("ssh"));
            this.target = servers;
            this.provisioner = new AnsibleProvisioner(this, servers);
        } else {
            this.target = new NetnsTarget(topology, state);
            this.provisioner = new LocalProvisioner(this);
        }
    }

    /**
     * Where the keys of servers with no ssh.known_hosts are learned at the first connection and checked at every later
     * one: the Ansible project's known_hosts, which Ansible reads too (the inventory names it).
     */
    private static SshCommands.HostKeys hostKeys(StateDir state) {
        return new SshCommands.HostKeys(AnsibleProvisioner.projectDir(state.path()).resolve("known_hosts"), false);
    }

    /** The deployment running in the state directory (its stored topology); refused when there is none. */
    public static Deployment open(StateDir state, Path repoRoot) {
        if (!state.exists()) {
            throw new OperatorException("no deployment at " + state.path() + " (run `scaleup up`)");
        }
        return new Deployment(TopologyStore.load(state.topologyFile()), state, repoRoot);
    }

    /** The same deployment with another topology (a scale's target), on the same state directory. */
    public Deployment withTopology(Topology other) {
        return new Deployment(other, state, repoRoot);
    }

    /** The same deployment with nothing read yet (secrets read again after a rotation stored new ones). */
    public Deployment reopened() {
        return withTopology(topology);
    }

    public Topology topology() {
        return topology;
    }

    public StateDir state() {
        return state;
    }

    public Target target() {
        return target;
    }

    /** How up brings the hosts to the topology and down takes them back: the target's own way. */
    Provisioner provisioner() {
        return provisioner;
    }

    public Path repoRoot() {
        return repoRoot;
    }

    /** The server binaries, found on first use. */
    public synchronized Tools tools() {
        if (tools == null) {
            tools = topology.onServers() ? Tools.ON_SERVERS : Tools.find();
        }
        return tools;
    }

    /** The service of each role, on this deployment. */
    public synchronized Services services() {
        if (services == null) {
            services = new Services(this, tools());
        }
        return services;
    }

    public HostPaths paths(Host host) {
        return target.paths(host);
    }

    public synchronized Secrets secrets() {
        if (secrets == null) {
            try {
                secrets = state.secrets();
            } catch (StateDir.MissingSecretsException e) {
                throw new OperatorException(e.getMessage(), e);
            }
        }
        return secrets;
    }

    /** The app build the app hosts run: the directory named in {@code artifacts/current}. */
    public Path appArtifact() {
        return artifactNamedIn(state.currentArtifactFile()).orElse(state.artifacts().resolve("app-unknown"));
    }

    /** The app build this app host runs: its own choice during a rolling deploy, else the deployment's. */
    public Path appArtifact(Host host) {
        return artifactNamedIn(state.hostArtifactFile(host.name())).orElseGet(this::appArtifact);
    }

    private Optional<Path> artifactNamedIn(Path file) {
        try {
            return Files.exists(file) ? Optional.of(state.artifacts().resolve(Files.readString(file).strip()))
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public void useAppArtifact(Host host, Path dir) {
        StateDir.writeAtomically(state.hostArtifactFile(host.name()), dir.getFileName() + "\n");
    }

    public void useAppArtifact(Path dir) {
        StateDir.writeAtomically(state.currentArtifactFile(), dir.getFileName() + "\n");
    }

    /** App hosts the web tier must not send requests to right now (kept on disk so every command renders alike). */
    public synchronized Set<String> drainedApps() {
        try {
            Path file = state.drainedAppsFile();
            if (!Files.exists(file)) {
                return Set.of();
            }
            return Set.copyOf(Files.readAllLines(file).stream().map(String::strip).filter(s -> !s.isEmpty()).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public synchronized void setDrainedApps(Set<String> hosts) {
        StringBuilder lines = new StringBuilder();
        new TreeSet<>(hosts).forEach(h -> lines.append(h).append('\n'));
        StateDir.writeAtomically(state.drainedAppsFile(), lines.toString());
    }

    /** Every config file of the host as the topology and the current drain state say. */
    public List<RenderedFile> render(Host host) {
        return Renderers.forHost(topology, host, paths(host), secrets(), drainedApps());
    }

    /** Every process of the host in start order: its etcd member (if it is one), then its role's processes. */
    public List<ProcessSpec> processes(Host host) {
        List<ProcessSpec> all = new ArrayList<>();
        new Coordination(this).process(host).ifPresent(all::add);
        all.addAll(services().of(host.role()).processes(host));
        return all;
    }

    public Optional<Long> running(Host host, ProcessSpec spec) {
        return target.running(host, spec);
    }

    public boolean isRunning(Host host, ProcessSpec spec) {
        return running(host, spec).isPresent();
    }
}
