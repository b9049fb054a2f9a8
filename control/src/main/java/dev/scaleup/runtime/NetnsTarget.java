package dev.scaleup.runtime;

import static java.util.Objects.requireNonNull;

import dev.scaleup.render.FirewallConfig;
import dev.scaleup.render.HostPaths;
import dev.scaleup.render.RenderedFile;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Topology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The hosts of a deployment as network namespaces on this machine ({@link HostNetwork}), each with its directory in
 * the state directory; processes run detached inside them ({@link Processes}), commands through {@code ip netns exec}.
 */
public final class NetnsTarget implements Target {

    private static final Duration LEFTOVER_DEADLINE = Duration.ofSeconds(5);
    private static final int LEFTOVER_ROUNDS = 3;
    private final Topology topology;
    private final StateDir state;
    private final HostNetwork network;

    public NetnsTarget(Topology topology, StateDir state) {
        this.topology = requireNonNull(topology, "topology is null");
        this.state = requireNonNull(state, "state is null");
        this.network = new HostNetwork(topology);
    }

    @Override
    public String kind() {
        return "netns";
    }

    @Override
    public HostPaths paths(Host host) {
        return state.host(host.name());
    }

    private String namespace(Host host) {
        return network.names().namespace(host);
    }

    @Override
    public String ensureNetwork() {
        return network.ensureBridge()
                ? "created bridge " + network.names().bridge() + " with gateway " + topology.gateway() : null;
    }

    @Override
    public String ensureHost(Host host) {
        return network.ensureHost(host)
                ? host.name() + ": created namespace " + namespace(host) + " at " + host.address() : null;
    }

    @Override
    public boolean exists(Host host) {
        return HostNetwork.namespaceExists(namespace(host));
    }

    @Override
    public List<String> writeConfigs(Host host, List<RenderedFile> files) {
        return LocalConfigs.write(paths(host), files);
    }

    @Override
    public Optional<String> readConfig(Host host, String name) {
        Path file = paths(host).conf(name);
        try {
            return Files.exists(file) ? Optional.of(Files.readString(file)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    @Override
    public List<String> killLeftovers(Host host) {
        return killLeftovers(namespace(host));
    }

    /** Whatever still runs in one of the deployment's namespaces is the deployment's: TERM, then KILL. */
    private List<String> killLeftovers(String namespace) {
        List<String> sentences = new ArrayList<>();
        // again until none is left: a process may start another while the first round stops it (a supervisor)
        for (int round = 0; round < LEFTOVER_ROUNDS; round++) {
            List<Long> pids = HostNetwork.pidsIn(namespace);
            if (pids.isEmpty()) {
                break;
            }
            for (long pid : pids) {
                stopped.add(pid);
                sentences.add(namespace + ": leftover process " + pid + " " + Processes.terminate(pid, "TERM", LEFTOVER_DEADLINE));
            }
        }
        return sentences;
    }

    @Override
    public String killAll(Host host) {
        String namespace = namespace(host);
        java.util.Map<String, Integer> killed = new java.util.TreeMap<>();
        // again until none is left: a supervisor (Patroni, HAProxy's master) may start a process meanwhile
        for (int round = 0; round < LEFTOVER_ROUNDS; round++) {
            List<Long> pids = HostNetwork.pidsIn(namespace);
            if (pids.isEmpty()) {
                break;
            }
            for (long pid : pids) {
                String name = Processes.name(pid);
                if (!name.equals(Processes.GONE)) { // exited meanwhile (a postgres backend whose client left)
                    killed.merge(name, 1, Integer::sum);
                }
            }
            stopped.addAll(pids);
            Processes.killAll(pids, LEFTOVER_DEADLINE);
        }
        if (killed.isEmpty()) {
            return null;
        }
        List<String> names = new ArrayList<>();
        killed.forEach((name, count) -> names.add(count == 1 ? name : name + " ×" + count));
        return "killed " + String.join(", ", names);
    }

    @Override
    public void removeHost(Host host) {
        network.removeHost(host);
    }

    @Override
    public List<String> removeStrays() {
        List<String> sentences = new ArrayList<>();
        for (String namespace : network.strays()) {
            sentences.addAll(killLeftovers(namespace));
            network.removeStray(namespace);
            String hostName = namespace.substring(topology.name().length() + 1);
            StateDir.deleteTree(state.host(hostName).root());
            sentences.add(hostName + ": removed (namespace " + namespace + " and its files), a host the topology does"
                    + " not name");
        }
        return sentences;
    }

    @Override
    public List<String> removeAll() {
        List<String> sentences = new ArrayList<>();
        for (String namespace : network.existingNamespaces()) {
            sentences.addAll(killLeftovers(namespace));
            HostNetwork.deleteNamespace(namespace);
        }
        network.deleteBridgeAndVeths();
        sentences.add("removed the namespaces, veths and bridge " + network.names().bridge());
        return sentences;
    }

    @Override
    public String ensureUser(String user) {
        if (ProcFs.userExists(user)) {
            return null;
        }
        Exec.Result result = Exec.run(NetCommands.addSystemUser(user));
        // 9: made meanwhile by another deployment's up on this machine
        if (!result.ok() && result.exitCode() != USER_EXISTS) {
            result.orThrow();
        }
        return "created the system user " + user + " (no login, no home)";
    }

    /** useradd's exit status when the name is taken. */
    private static final int USER_EXISTS = 9;

    /** {@code chown -R}: the host's directories are files of this machine. */
    @Override
    public void ownTrees(Host host, List<Path> dirs, String user) {
        List<String> chown = new ArrayList<>(List.of("chown", "-R", user + ":" + user));
        dirs.forEach(dir -> chown.add(dir.toString()));
        Exec.run(chown).orThrow();
    }

    @Override
    public void own(Host host, Path path, String user, String group, int mode) {
        try {
            PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class,
                    LinkOption.NOFOLLOW_LINKS);
            UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
            view.setOwner(lookup.lookupPrincipalByName(user));
            view.setGroup(lookup.lookupPrincipalByGroupName(group));
            view.setPermissions(FileModes.of(mode));
        } catch (IOException e) {
            throw new UncheckedIOException(host.name() + ": cannot give " + path + " to " + user + ":" + group, e);
        }
    }

    @Override
    public long start(Host host, ProcessSpec spec) {
        return Processes.start(namespace(host), paths(host), spec);
    }

    @Override
    public Optional<Long> running(Host host, ProcessSpec spec) {
        return Processes.running(namespace(host), paths(host), spec);
    }

    @Override
    public String stop(Host host, ProcessSpec spec, Duration deadline) {
        running(host, spec).ifPresent(stopped::add);
        return Processes.stop(namespace(host), paths(host), spec, deadline);
    }

    /** Every process this target stopped, for {@link #awaitReaped}. */
    private final java.util.Set<Long> stopped = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @Override
    public void awaitReaped() {
        Processes.awaitReaped(stopped, Processes.REAP_DEADLINE);
        stopped.clear();
    }

    @Override
    public boolean signal(Host host, ProcessSpec spec, String signal) {
        Optional<Long> pid = running(host, spec);
        pid.ifPresent(p -> Exec.run(List.of("kill", "-s", signal, Long.toString(p))).orThrow());
        return pid.isPresent();
    }

    /** The host's processes are this machine's processes in its namespace: read /proc directly. */
    @Override
    public List<String> processStats(Host host) {
        List<String> lines = new ArrayList<>();
        for (long pid : HostNetwork.pidsIn(namespace(host))) {
            try {
                lines.add(Files.readString(Path.of("/proc", Long.toString(pid), "stat")).strip());
            } catch (IOException e) {
                // ended meanwhile
            }
        }
        return lines;
    }

    @Override
    public java.util.Map<String, List<String>> logs(Host host, Optional<java.time.Instant> since) {
        java.util.Map<String, List<String>> logs = new java.util.TreeMap<>();
        Path dir = paths(host).logs();
        if (!Files.isDirectory(dir)) {
            return logs;
        }
        try (var files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList()) {
                // a server may have written half a character when read: replaced, never a failure
                String text = new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.UTF_8);
                if (!text.isEmpty()) {
                    String name = file.getFileName().toString();
                    logs.put(name.substring(0, name.length() - ".log".length()), text.lines().toList());
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read the logs of " + host.name() + " in " + dir, e);
        }
        return logs;
    }

    @Override
    public String logTail(Host host, String process, int lines) {
        return Processes.tail(paths(host).log(process), lines);
    }

    @Override
    public String logName(Host host, String process) {
        return paths(host).log(process).toString();
    }

    @Override
    public Exec.Result exec(Host host, List<String> command, Map<String, String> env, Duration timeout, String stdin) {
        return Exec.run(NetCommands.inNamespace(namespace(host), command), env, timeout, stdin);
    }

    /** The host's sockets are files of this machine (in its run directory): read directly. */
    @Override
    public String askSocket(Host host, Path socket, String line) throws IOException {
        return UnixSocket.ask(socket, line);
    }

    @Override
    public boolean hasAddress(Host host, String address) {
        return network.hasAddress(host, address);
    }

    @Override
    public String removeAddress(Host host, String cidr) {
        if (!hasAddress(host, cidr.substring(0, cidr.indexOf('/')))) {
            return null;
        }
        Exec.run(NetCommands.inNamespace(namespace(host), NetCommands.deleteAddress("eth0", cidr))).orThrow();
        return host.name() + ": removed " + cidr + " from eth0";
    }

    @Override
    public String killEverything(Host host) {
        return kill(host, HostNetwork.pidsIn(namespace(host)));
    }

    @Override
    public String killProcess(Host host, ProcessSpec spec) {
        Optional<Long> pid = running(host, spec);
        if (pid.isEmpty()) {
            throw new IllegalStateException(host.name() + ": " + spec.name() + " is not running; nothing to kill");
        }
        // the master and its workers: descendants running the same program (not, say, a keepalived it started)
        List<Long> pids = new ArrayList<>();
        pids.add(pid.get());
        ProcessHandle.of(pid.get()).ifPresent(p -> p.descendants()
                .filter(d -> spec.executableName().equals(ProcFs.executable(d.pid())))
                .forEach(d -> pids.add(d.pid())));
        return kill(host, pids);
    }

    @Override
    public String killUser(Host host, String user, List<String> except) {
        List<Long> pids = pidsOf(host, user, except);
        if (pids.isEmpty()) {
            throw new IllegalStateException(host.name() + ": no process of " + user + " runs; nothing to kill");
        }
        return kill(host, pids);
    }

    @Override
    public String freezeUser(Host host, String user) {
        List<Long> pids = pidsOf(host, user, List.of());
        if (pids.isEmpty()) {
            throw new IllegalStateException(host.name() + ": no process of " + user + " runs; nothing to freeze");
        }
        Exec.run(NetCommands.signal("STOP", pids)).orThrow();
        return host.name() + ": SIGSTOP " + byName(pids);
    }

    @Override
    public String thawUser(Host host, String user) {
        List<Long> pids = pidsOf(host, user, List.of());
        if (pids.isEmpty()) {
            return null;
        }
        // a process may have exited meanwhile: kill's exit status is not the point, every one still there goes on
        Exec.run(NetCommands.signal("CONT", pids));
        return host.name() + ": SIGCONT " + byName(pids);
    }

    @Override
    public String dropTraffic(Host host, Host peer) {
        Exec.run(NetCommands.inNamespace(namespace(host), NetCommands.dropOutputTo(peer.address()))).orThrow();
        return host.name() + ": every packet to " + peer.name() + " (" + peer.address() + ") dropped (nft table inet "
                + NetCommands.DROP_TABLE + ")";
    }

    @Override
    public String restoreTraffic(Host host) {
        if (!Exec.run(NetCommands.inNamespace(namespace(host), NetCommands.listDropTable())).ok()) {
            return null;
        }
        Exec.run(NetCommands.inNamespace(namespace(host), NetCommands.deleteDropTable())).orThrow();
        return host.name() + ": traffic flows again (nft table inet " + NetCommands.DROP_TABLE + " removed)";
    }

    private List<Long> pidsOf(Host host, String user, List<String> except) {
        long uid = ProcFs.uidOf(user);
        List<Long> pids = new ArrayList<>();
        for (long pid : HostNetwork.pidsIn(namespace(host))) {
            if (ProcFs.uidOfProcess(pid) == uid && !except.contains(ProcFs.comm(pid))) {
                pids.add(pid);
            }
        }
        return pids;
    }

    @Override
    public String cutNetwork(Host host) {
        Exec.run(NetCommands.inNamespace(namespace(host), NetCommands.linkDown("eth0"))).orThrow();
        return host.name() + ": link eth0 down";
    }

    @Override
    public String restoreNetwork(Host host) {
        Exec.run(NetCommands.inNamespace(namespace(host), NetCommands.linkUp("eth0"))).orThrow();
        network.ensureHost(host);
        return host.name() + ": link eth0 up, address and default route restored";
    }

    @Override
    public String blockVrrp(Host host) {
        Exec.run(NetCommands.inNamespace(namespace(host), NetCommands.dropInbound(FirewallConfig.VRRP))).orThrow();
        return host.name() + ": VRRP (ip protocol " + FirewallConfig.VRRP + ") dropped on input (table inet "
                + NetCommands.FAULT_TABLE + ")";
    }

    @Override
    public String unblockVrrp(Host host) {
        if (!Exec.run(NetCommands.inNamespace(namespace(host), NetCommands.listFaults())).ok()) {
            return null;
        }
        Exec.run(NetCommands.inNamespace(namespace(host), NetCommands.removeFaults())).orThrow();
        return host.name() + ": VRRP let in again (table inet " + NetCommands.FAULT_TABLE + " removed)";
    }

    private static String kill(Host host, List<Long> pids) {
        if (pids.isEmpty()) {
            throw new IllegalStateException(host.name() + ": no process to kill");
        }
        String names = byName(pids);
        // kill(2) from here, not a kill program started for it: the fault lands when the drill says it does
        Processes.sigkill(pids);
        return host.name() + ": SIGKILL " + names;
    }

    /** "postgres [101, 102] patroni [100]": the processes by name, read before they are signalled. */
    private static String byName(List<Long> pids) {
        Map<String, List<Long>> byName = new LinkedHashMap<>();
        for (long pid : pids) {
            byName.computeIfAbsent(ProcFs.comm(pid), k -> new ArrayList<>()).add(pid);
        }
        StringBuilder s = new StringBuilder();
        byName.forEach((name, list) -> s.append(s.isEmpty() ? "" : " ").append(name).append(' ').append(list));
        return s.toString();
    }
}
