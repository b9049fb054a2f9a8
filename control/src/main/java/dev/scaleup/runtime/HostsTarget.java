package dev.scaleup.runtime;

import static java.util.Objects.requireNonNull;

import dev.scaleup.render.Etcd;
import dev.scaleup.render.Exporters;
import dev.scaleup.render.FirewallConfig;
import dev.scaleup.render.HostPaths;
import dev.scaleup.render.PgBouncerConfig;
import dev.scaleup.render.RenderedFile;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Ssh;
import dev.scaleup.topology.Topology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The hosts of a deployment as Debian servers reached over SSH ({@link SshCommands}). The generated Ansible project
 * puts their files, users and units in place; here every server process is the systemd unit it installs
 * ({@link #unit}), so start, stop, reload, logs and faults are {@code systemctl} and {@code journalctl}; keepalived,
 * a program of HAProxy's master with no unit of its own, is found by its pid file.
 */
public final class HostsTarget implements Target {

    private static final Duration SSH_TIMEOUT = Duration.ofSeconds(30);
    /** systemctl stop waits for the unit's own stop timeout; this is the time the command itself may take beyond it. */
    private static final Duration STOP_MARGIN = Duration.ofSeconds(15);
    private final Topology topology;
    private final SshCommands.HostKeys learned;
    private final Path controlDir;

    /**
     * @param learned where the keys of servers whose file names no known_hosts ({@code ssh.known_hosts}) are learned
     *     and checked
     * @param controlDir where the shared SSH connections keep their sockets (made 0700 on first use)
     */
    public HostsTarget(Topology topology, SshCommands.HostKeys learned, Path controlDir) {
        this.topology = requireNonNull(topology, "topology is null");
        this.learned = requireNonNull(learned, "learned is null");
        this.controlDir = requireNonNull(controlDir, "controlDir is null");
    }

    /**
     * The systemd unit (without {@code .service}) that runs a process on a server, as the Ansible project installs
     * it; empty for keepalived, which HAProxy's master runs.
     */
    public static Optional<String> unit(String process) {
        return Optional.ofNullable(switch (process) {
            case "haproxy", "nginx", "patroni", "etcd", "pgbackrest", "pgbouncer" -> process;
            case "app" -> "scaleup-app";
            case "backup-schedule" -> "scaleup-backup-schedule";
            // Debian's prometheus packages' units
            case "prometheus" -> "prometheus";
            case "alertmanager", "node-exporter", "nginx-exporter", "postgres-exporter" -> "prometheus-" + process;
            default -> null;
        });
    }

    /** The units of the stack on the host, in start order. */
    public List<String> units(Host host) {
        List<String> units = new ArrayList<>();
        if (Etcd.isMember(topology, host)) {
            units.add("etcd");
        }
        if (host.role() == Role.DB && topology.backup().enabled()) {
            units.add("pgbackrest");
        }
        units.add(switch (host.role()) {
            case LB -> "haproxy";
            case WEB -> "nginx";
            case APP -> "scaleup-app";
            case DB -> "patroni";
            case BACKUP -> "pgbackrest";
            case MON -> "prometheus";
        });
        if (PgBouncerConfig.applies(topology, host)) {
            units.add("pgbouncer");
        }
        if (host.role() == Role.BACKUP) {
            units.add("scaleup-backup-schedule");
        }
        if (host.role() == Role.MON) {
            units.add("prometheus-alertmanager");
        }
        Exporters.processes(topology, host).forEach(p -> units.add(unit(p).orElseThrow()));
        return List.copyOf(units);
    }

    @Override
    public String kind() {
        return "hosts";
    }

    @Override
    public HostPaths paths(Host host) {
        return HostPaths.onServer();
    }

    /** The servers' network is theirs: nothing to make. */
    @Override
    public String ensureNetwork() {
        return null;
    }

    /** A server exists or not: nothing to make (up's pre-flight refuses one that does not answer). */
    @Override
    public String ensureHost(Host host) {
        return null;
    }

    /** Whether the server answers over SSH. */
    @Override
    public boolean exists(Host host) {
        return run(host, List.of("true"), Duration.ofSeconds(10)).ok();
    }

    /**
     * One SSH command learns the checksum of every file on the server; each file that differs is then sent on
     * standard input and renamed over the old one, which keeps its owner and mode ({@link SshCommands#replaceFile}).
     */
    @Override
    public List<String> writeConfigs(Host host, List<RenderedFile> files) {
        HostPaths paths = paths(host);
        List<String> names = files.stream().map(f -> paths.conf(f.name()).toString()).toList();
        // sha256sum exits 1 when a file is missing and still prints the others
        Map<String, String> onServer = SshCommands.checksums(run(host, SshCommands.sha256sum(names), SSH_TIMEOUT).stdout());
        List<String> changed = new ArrayList<>();
        for (RenderedFile file : files) {
            Path path = paths.conf(file.name());
            if (SshCommands.sha256(file.content()).equals(onServer.get(path.toString()))) {
                continue;
            }
            Exec.run(ssh(host, SshCommands.replaceFile(path, file.mode())), SSH_TIMEOUT, file.content()).orThrow();
            changed.add(file.name());
        }
        return changed;
    }

    @Override
    public Optional<String> readConfig(Host host, String name) {
        Exec.Result result = run(host, List.of("cat", "--", paths(host).conf(name).toString()), SSH_TIMEOUT);
        return result.ok() ? Optional.of(result.stdout()) : Optional.empty();
    }

    /** Everything else on a server is the server's own (sshd, journald): nothing is left over. */
    @Override
    public List<String> killLeftovers(Host host) {
        return List.of();
    }

    /** A server is not removed, so its units are always stopped in order (systemctl stop). */
    @Override
    public String killAll(Host host) {
        throw new UnsupportedOperationException("a server's processes are stopped by their units, not killed");
    }

    /** A server is not removed: it stays, reachable, once its units are stopped. */
    @Override
    public void removeHost(Host host) {
    }

    /** Servers the topology does not name are spares: nothing of the deployment runs there. */
    @Override
    public List<String> removeStrays() {
        return List.of();
    }

    /** Nothing to remove: the servers stay (down stops and disables the units through the provisioner). */
    @Override
    public List<String> removeAll() {
        return List.of();
    }

    /** The Ansible project makes the users (its common role); nothing on the hosts target calls this. */
    @Override
    public String ensureUser(String user) {
        throw new UnsupportedOperationException("on servers the Ansible project makes the user " + user);
    }

    /** The Ansible project sets every owner and mode; nothing on the hosts target calls this. */
    @Override
    public void own(Host host, Path path, String user, String group, int mode) {
        throw new UnsupportedOperationException(host.name() + ": on servers the Ansible project sets the owner of " + path);
    }

    /** The Ansible project sets every owner; nothing on the hosts target calls this. */
    @Override
    public void ownTrees(Host host, List<Path> dirs, String user) {
        throw new UnsupportedOperationException(host.name() + ": on servers the Ansible project sets the owner of " + dirs);
    }

    @Override
    public long start(Host host, ProcessSpec spec) {
        String unit = unitOf(spec);
        run(host, SshCommands.systemctl("start", unit), SSH_TIMEOUT).orThrow();
        return running(host, spec).orElseThrow(() -> new IllegalStateException(host.name() + ": " + unit
                + ".service started but runs no process:\n" + logTail(host, spec.name(), 20)));
    }

    @Override
    public Optional<Long> running(Host host, ProcessSpec spec) {
        Exec.Result result = spec.supervised()
                ? run(host, SshCommands.pidFromFile(paths(host).pidFile(spec.name()), spec.executableName()), SSH_TIMEOUT)
                : run(host, SshCommands.mainPid(unitOf(spec)), SSH_TIMEOUT);
        return parsePid(result);
    }

    /** The pid a command printed; empty when it failed, printed nothing or 0 (systemd's "no main process"). */
    static Optional<Long> parsePid(Exec.Result result) {
        String out = result.stdout().strip();
        if (!result.ok() || !out.matches("[0-9]+")) {
            return Optional.empty();
        }
        long pid = Long.parseLong(out);
        return pid == 0 ? Optional.empty() : Optional.of(pid);
    }

    @Override
    public String stop(Host host, ProcessSpec spec, Duration deadline) {
        Optional<Long> pid = running(host, spec);
        if (pid.isEmpty()) {
            return spec.name() + " was not running";
        }
        if (spec.supervised()) {
            run(host, NetCommands.signal(spec.stopSignal(), List.of(pid.get())), SSH_TIMEOUT);
            return spec.name() + " (pid " + pid.get() + ") sent " + spec.stopSignal();
        }
        run(host, SshCommands.systemctl("stop", unitOf(spec)), deadline.plus(STOP_MARGIN)).orThrow();
        return "stopped " + spec.name() + " (pid " + pid.get() + ", systemctl stop " + unitOf(spec) + ")";
    }

    @Override
    public boolean signal(Host host, ProcessSpec spec, String signal) {
        Optional<Long> pid = running(host, spec);
        if (pid.isEmpty()) {
            return false;
        }
        run(host, spec.supervised() ? NetCommands.signal(signal, List.of(pid.get()))
                : SshCommands.signalMain(unitOf(spec), signal), SSH_TIMEOUT).orThrow();
        return true;
    }

    /** keepalived writes to its parent's journal: HAProxy's master gave it its standard output. */
    /** One cat over SSH: a server's /proc holds its own processes only (its own pid namespace). */
    @Override
    public List<String> processStats(Host host) {
        Exec.Result result = run(host, List.of("sh", "-c", "cat /proc/[0-9]*/stat 2>/dev/null; true"), SSH_TIMEOUT);
        return result.ok() ? result.stdout().lines().toList() : List.of();
    }

    @Override
    public Map<String, List<String>> logs(Host host, Optional<java.time.Instant> since) {
        Map<String, List<String>> logs = new java.util.TreeMap<>();
        for (String unit : units(host)) {
            Exec.Result result = run(host, SshCommands.journalSince(unit, since), SSH_TIMEOUT).orThrow();
            List<String> lines = result.stdout().lines().filter(l -> !l.startsWith("-- ")).toList();
            if (!lines.isEmpty()) {
                logs.put(unit, lines);
            }
        }
        return logs;
    }

    @Override
    public String logTail(Host host, String process, int lines) {
        Exec.Result result = run(host, SshCommands.journal(journalUnit(process), lines), SSH_TIMEOUT);
        return result.ok() ? result.stdout() : "(journalctl failed: " + result.stderr().strip() + ")";
    }

    @Override
    public String logName(Host host, String process) {
        return "journalctl -u " + journalUnit(process) + " on " + host.name() + " (" + host.address() + ")";
    }

    private static String journalUnit(String process) {
        return unit(process).orElse("haproxy");
    }

    /** Over SSH; the environment reaches the command on standard input, never on a command line. */
    @Override
    public Exec.Result exec(Host host, List<String> command, Map<String, String> env, Duration timeout, String stdin) {
        if (env.isEmpty()) {
            return Exec.run(ssh(host, command), Map.of(), timeout, stdin);
        }
        return Exec.run(ssh(host, SshCommands.withEnvFromStdin(command)), Map.of(), timeout,
                SshCommands.envInput(env, stdin));
    }

    @Override
    public String askSocket(Host host, Path socket, String line) throws IOException {
        Exec.Result result = run(host, SshCommands.askSocket(socket, line), SSH_TIMEOUT);
        if (!result.ok()) {
            throw new IOException(host.name() + ": " + socket + " does not answer: " + result.stderr().strip());
        }
        return result.stdout();
    }

    @Override
    public boolean hasAddress(Host host, String address) {
        Exec.Result result = run(host, List.of("ip", "-4", "-o", "addr", "show", "dev", topology.hostInterface()),
                SSH_TIMEOUT);
        return result.ok() && result.stdout().contains(" " + address + "/");
    }

    @Override
    public String removeAddress(Host host, String cidr) {
        if (!hasAddress(host, cidr.substring(0, cidr.indexOf('/')))) {
            return null;
        }
        run(host, NetCommands.deleteAddress(topology.hostInterface(), cidr), SSH_TIMEOUT).orThrow();
        return host.name() + ": removed " + cidr + " from " + topology.hostInterface();
    }

    /** Every unit of the stack on the server, KILLed at once with all its processes (a server that dies). */
    @Override
    public String killEverything(Host host) {
        List<String> killed = new ArrayList<>();
        run(host, SshCommands.holdDown(units(host)), SSH_TIMEOUT).orThrow();
        for (String unit : units(host)) {
            if (run(host, SshCommands.killUnit(unit), SSH_TIMEOUT).ok()) {
                killed.add(unit);
            }
        }
        if (killed.isEmpty()) {
            throw new IllegalStateException(host.name() + ": no unit of the stack runs; nothing to kill");
        }
        return host.name() + ": SIGKILL every process of " + String.join(", ", killed);
    }

    /** {@code systemctl kill -s KILL} of the process's unit: its master, its workers and what it started. */
    @Override
    public String killProcess(Host host, ProcessSpec spec) {
        Optional<Long> pid = running(host, spec);
        if (pid.isEmpty()) {
            throw new IllegalStateException(host.name() + ": " + spec.name() + " is not running; nothing to kill");
        }
        if (spec.supervised()) {
            run(host, NetCommands.signal("KILL", List.of(pid.get())), SSH_TIMEOUT).orThrow();
            return host.name() + ": SIGKILL " + spec.name() + " [" + pid.get() + "]";
        }
        run(host, SshCommands.holdDown(List.of(unitOf(spec))), SSH_TIMEOUT).orThrow();
        run(host, SshCommands.killUnit(unitOf(spec)), SSH_TIMEOUT).orThrow();
        return host.name() + ": SIGKILL " + spec.name() + " (every process of " + unitOf(spec) + ".service, main pid "
                + pid.get() + ")";
    }

    @Override
    public String killUser(Host host, String user, List<String> except) {
        List<String[]> processes = processesOf(host, user).stream().filter(p -> !except.contains(p[1])).toList();
        if (processes.isEmpty()) {
            throw new IllegalStateException(host.name() + ": no process of " + user + " runs; nothing to kill");
        }
        // the units those processes belong to stay down until the restore, as a killed process does on netns
        run(host, SshCommands.holdDown(units(host)), SSH_TIMEOUT).orThrow();
        String done = signalAll(host, "KILL", processes);
        // a backend PostgreSQL forked between the listing and the kill survives it, orphaned, and holds the shared
        // memory the next start refuses to take over (seen on the lab): again until none of the user's is left
        for (int round = 0; round < 10; round++) {
            List<String[]> left = processesOf(host, user).stream().filter(p -> !except.contains(p[1])).toList();
            if (left.isEmpty()) {
                break;
            }
            signalAll(host, "KILL", left);
        }
        return done;
    }

    @Override
    public String freezeUser(Host host, String user) {
        List<String[]> processes = processesOf(host, user);
        if (processes.isEmpty()) {
            throw new IllegalStateException(host.name() + ": no process of " + user + " runs; nothing to freeze");
        }
        return signalAll(host, "STOP", processes);
    }

    @Override
    public String thawUser(Host host, String user) {
        List<String[]> processes = processesOf(host, user);
        return processes.isEmpty() ? null : signalAll(host, "CONT", processes);
    }

    /** {@code [pid, name]} of every process of the user on the server. */
    private List<String[]> processesOf(Host host, String user) {
        return parseProcesses(run(host, SshCommands.processesOf(user), SSH_TIMEOUT).stdout());
    }

    /** pgrep's {@code pid name} lines as {@code [pid, name]}. */
    static List<String[]> parseProcesses(String pgrep) {
        return pgrep.lines().map(String::strip).filter(l -> l.matches("[0-9]+ .+")).map(l -> l.split(" ", 2)).toList();
    }

    private String signalAll(Host host, String signal, List<String[]> processes) {
        // a process may have exited meanwhile: kill's exit status is not the point, every one still there is signalled
        run(host, NetCommands.signal(signal, processes.stream().map(p -> Long.parseLong(p[0])).toList()), SSH_TIMEOUT);
        StringBuilder named = new StringBuilder();
        processes.forEach(p -> named.append(named.isEmpty() ? "" : " ").append(p[1]).append(" [").append(p[0]).append(']'));
        return host.name() + ": SIG" + signal + " " + named;
    }

    @Override
    public String dropTraffic(Host host, Host peer) {
        run(host, NetCommands.dropOutputTo(peer.address()), SSH_TIMEOUT).orThrow();
        return host.name() + ": every packet to " + peer.name() + " (" + peer.address() + ") dropped (nft table inet "
                + NetCommands.DROP_TABLE + ")";
    }

    @Override
    public String restoreTraffic(Host host) {
        if (!run(host, NetCommands.listDropTable(), SSH_TIMEOUT).ok()) {
            return null;
        }
        run(host, NetCommands.deleteDropTable(), SSH_TIMEOUT).orThrow();
        return host.name() + ": traffic flows again (nft table inet " + NetCommands.DROP_TABLE + " removed)";
    }

    /** Every packet on the interface dropped except SSH ({@link SshCommands#cut}: the way back stays open). */
    @Override
    public String cutNetwork(Host host) {
        run(host, SshCommands.cut(topology.hostInterface(), ssh(host).port()), SSH_TIMEOUT).orThrow();
        return host.name() + ": cut off " + topology.hostInterface() + " except SSH (nft table inet "
                + SshCommands.CUT_TABLE + ")";
    }

    @Override
    public String restoreNetwork(Host host) {
        if (!run(host, SshCommands.listCut(), SSH_TIMEOUT).ok()) {
            return host.name() + ": " + topology.hostInterface() + " was not cut";
        }
        run(host, SshCommands.deleteCut(), SSH_TIMEOUT).orThrow();
        return host.name() + ": " + topology.hostInterface() + " joined again (nft table inet " + SshCommands.CUT_TABLE
                + " removed)";
    }

    @Override
    public String blockVrrp(Host host) {
        run(host, NetCommands.dropInbound(FirewallConfig.VRRP), SSH_TIMEOUT).orThrow();
        return host.name() + ": VRRP (ip protocol " + FirewallConfig.VRRP + ") dropped on input (table inet "
                + NetCommands.FAULT_TABLE + ")";
    }

    @Override
    public String unblockVrrp(Host host) {
        if (!run(host, NetCommands.listFaults(), SSH_TIMEOUT).ok()) {
            return null;
        }
        run(host, NetCommands.removeFaults(), SSH_TIMEOUT).orThrow();
        return host.name() + ": VRRP let in again (table inet " + NetCommands.FAULT_TABLE + " removed)";
    }

    /** The ssh argv that runs the command on the host. */
    public List<String> ssh(Host host, List<String> command) {
        Ssh ssh = ssh(host);
        SshCommands.HostKeys keys = ssh.knownHosts() != null ? new SshCommands.HostKeys(ssh.knownHosts(), true) : learned;
        makePrivateDirectory(controlDir);
        makePrivateDirectory(keys.file().getParent());
        return SshCommands.ssh(ssh, host.address(), keys, controlDir, command);
    }

    private Ssh ssh(Host host) {
        return topology.servers().named(host.name()).orElseThrow(() -> new IllegalStateException(
                host.name() + " is not listed under hosts")).ssh();
    }

    private Exec.Result run(Host host, List<String> command, Duration timeout) {
        return Exec.run(ssh(host, command), timeout, null);
    }

    private static String unitOf(ProcessSpec spec) {
        return unit(spec.name()).orElseThrow(() -> new IllegalStateException(spec.name() + " has no unit of its own"
                + " on a server (started by " + spec.parent() + ")"));
    }

    /** The sockets' directory, and the one of the learned keys (the Ansible project's, which holds secrets). */
    private static void makePrivateDirectory(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + dir, e);
        }
    }
}
