package dev.scaleup.lab;

import static java.util.Objects.requireNonNull;

import dev.scaleup.ops.OperatorException;
import dev.scaleup.ops.Parallel;
import dev.scaleup.ops.Progress;
import dev.scaleup.ops.RefusedException;
import dev.scaleup.runtime.Exec;
import dev.scaleup.runtime.NetCommands;
import dev.scaleup.runtime.Processes;
import dev.scaleup.runtime.Readiness;
import dev.scaleup.runtime.StateDir;
import dev.scaleup.topology.Ipv4;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A lab of throwaway Debian 12 hosts: systemd-nspawn containers booted from one cached image, each on its own
 * overlay root, on a bridge of the lab's own with the gateway at .1, reached over SSH as root with the lab's key.
 * {@code up} makes what is missing and is a no-op on a running lab; {@code down} removes everything the lab made
 * (processes, mounts, bridge and veths, the lab directory) also after a failed or interrupted {@code up}, and keeps
 * the image cache.
 */
public final class Lab {

    /** How long the hosts have to boot and answer SSH (a loaded machine boots nine in well under a minute). */
    static final Duration SSH_DEADLINE = Duration.ofSeconds(180);
    private final LabPlan plan;
    private final LabDir dir;

    public Lab(LabPlan plan) {
        this(plan, LabDir.of(plan.name()));
    }

    Lab(LabPlan plan, LabDir dir) {
        this.plan = requireNonNull(plan, "plan is null");
        this.dir = requireNonNull(dir, "dir is null");
    }

    public LabPlan plan() {
        return plan;
    }

    public LabDir dir() {
        return dir;
    }

    /** Makes what is missing and waits until every host answers SSH; says so and changes nothing on a running lab. */
    public void up(Progress progress) {
        Optional<LabPlan> existing = dir.loadPlan();
        if (existing.isPresent() && !existing.get().equals(plan)) {
            throw new RefusedException("lab " + plan.name() + " exists with other hosts or another subnet ("
                    + existing.get().hosts().size() + " hosts on " + existing.get().subnet() + "); run `scaleup hosts"
                    + " down --name " + plan.name() + "` first");
        }
        if (existing.isPresent() && allAnswer()) {
            progress.step("lab " + plan.name() + ": all " + plan.hosts().size() + " hosts run and answer SSH; nothing changed");
            return;
        }
        Image.requireTools();
        Path image = new Image().ensure(progress);
        dir.savePlan(plan);
        makeKey();
        makeBridge(progress);
        double start = progress.elapsedSeconds();
        Parallel.forEach(containers(), c -> {
            c.mount(image);
            prepare(c.host());
            c.boot();
        });
        writeKnownHosts();
        progress.step("booting " + plan.hosts().size() + " hosts: " + String.join(" ", names()));
        Parallel.forEach(containers(), this::waitSsh);
        progress.step(String.format("all %d hosts answer SSH, %.1f s after they were started", plan.hosts().size(),
                progress.elapsedSeconds() - start));
        long kb = containers().stream().mapToLong(Container::rssKb).sum();
        progress.step(String.format("the hosts' processes use %.0f MB resident, %.0f MB per host", kb / 1024.0,
                kb / 1024.0 / plan.hosts().size()));
    }

    /** Removes the lab named {@code name}: whatever of it exists; says so when nothing does. */
    public static void down(String name, Progress progress) {
        LabPlan.checkName(name);
        LabDir dir = LabDir.of(name);
        Optional<LabPlan> plan = dir.loadPlan();
        String bridge = new LabPlan(name, LabPlan.ALLOWED, List.of()).bridge();
        boolean bridgeThere = Exec.run(NetCommands.showLink(bridge)).ok();
        if (!Files.exists(dir.path()) && !bridgeThere) {
            progress.step("lab " + name + ": nothing to remove");
            return;
        }
        plan.ifPresent(p -> {
            Lab lab = new Lab(p, dir);
            Parallel.forEach(lab.containers(), c -> {
                progress.step(c.poweroff());
                c.unmount();
            });
        });
        if (bridgeThere) {
            Exec.run(NetCommands.deleteLink(bridge)).orThrow();
        }
        Exec.run(LabCommands.removeTree(dir.path()), Duration.ofMinutes(5), null).orThrow();
        progress.step("lab " + name + " removed: hosts, overlay mounts, bridge " + bridge + " and " + dir.path()
                + " (the image cache stays)");
    }

    /**
     * The lab on this machine (under {@code parent}, one directory a lab) that has a host of this name at this
     * address: how a drill finds out that a server of a hosts file is a throwaway host it can power off and on.
     */
    public static Optional<Lab> holding(Path parent, String host, Ipv4 address) {
        if (!Files.isDirectory(parent)) {
            return Optional.empty();
        }
        try (java.util.stream.Stream<Path> dirs = Files.list(parent)) {
            return dirs.filter(Files::isDirectory).sorted().map(LabDir::new)
                    .flatMap(d -> d.loadPlan().filter(p -> p.hosts().stream()
                            .anyMatch(h -> h.name().equals(host) && h.address().equals(address)))
                            .map(p -> new Lab(p, d)).stream())
                    .findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + parent, e);
        }
    }

    /** Halts one host as a power cut would leave it: its disk (the overlay) stays, for {@link #boot}. */
    public String poweroff(String host) {
        return container(host).poweroff();
    }

    /** Cuts one host's power: every process of it ends at once, no shutdown; its disk stays, for {@link #boot}. */
    public String powerCut(String host) {
        return container(host).powerCut();
    }

    /** Boots a powered-off host again and waits until it answers SSH. */
    public void boot(String host) {
        Container c = container(host);
        c.mount(new Image().path());
        c.boot();
        waitSsh(c);
    }

    /** Resident memory of each host's processes, in kB. */
    public long rssKb(String host) {
        return container(host).rssKb();
    }

    /**
     * Runs a command on the host over SSH as root (the lab's key and known hosts). As with ssh itself, the words are
     * joined by spaces into one line for the host's shell: quote for that shell, or pass the line as one word.
     */
    public Exec.Result ssh(String host, List<String> command, Duration timeout) {
        return Exec.run(LabCommands.ssh(dir.key(), dir.knownHosts(), plan.host(host).address().toString(), command),
                timeout, null);
    }

    private boolean allAnswer() {
        return containers().stream().allMatch(c -> c.pid().isPresent()
                && ssh(c.host().name(), List.of("true"), Duration.ofSeconds(10)).ok());
    }

    private List<Container> containers() {
        return plan.hosts().stream().map(h -> new Container(dir, plan, h)).toList();
    }

    private Container container(String host) {
        return new Container(dir, plan, plan.host(host));
    }

    private List<String> names() {
        return plan.hosts().stream().map(LabHost::name).toList();
    }

    private void makeKey() {
        if (!Files.exists(dir.key())) {
            Exec.run(LabCommands.newKey(dir.key(), "scaleup-lab-" + plan.name())).orThrow();
        }
    }

    private void makeBridge(Progress progress) {
        if (Exec.run(NetCommands.showLink(plan.bridge())).ok()) {
            return;
        }
        Exec.run(NetCommands.addBridge(plan.bridge(), plan.gateway())).orThrow();
        Exec.run(NetCommands.addAddress(plan.bridge(), plan.gateway() + "/" + plan.subnet().prefix())).orThrow();
        Exec.run(NetCommands.linkUp(plan.bridge())).orThrow();
        progress.step("bridge " + plan.bridge() + " at " + plan.gateway() + "/" + plan.subnet().prefix());
    }

    /**
     * Writes the host's identity into its overlay (once; a host booted again keeps it): hostname, a machine id of its
     * own (an empty one would make systemd treat the boot as a first boot and enable every packaged service), the
     * static address of host0, an sshd key of its own, and the lab's key for root.
     */
    private void prepare(LabHost host) {
        Path root = dir.root(host.name());
        Path hostKey = root.resolve("etc/ssh/ssh_host_ed25519_key");
        if (Files.exists(hostKey)) {
            return;
        }
        StateDir.writeAtomically(root.resolve("etc/hostname"), host.name() + "\n");
        StateDir.writeAtomically(root.resolve("etc/hosts"), HostFiles.etcHosts(plan));
        StateDir.writeAtomically(root.resolve("etc/machine-id"), HexFormat.of().formatHex(randomBytes(16)) + "\n");
        StateDir.writeAtomically(root.resolve("etc/systemd/network/10-host0.network"), HostFiles.network(plan, host));
        StateDir.writeAtomically(root.resolve("etc/ssh/sshd_config.d/scaleup-lab.conf"), HostFiles.SSHD);
        try {
            Path ssh = root.resolve("root/.ssh");
            Files.createDirectories(ssh);
            Files.setPosixFilePermissions(ssh, PosixFilePermissions.fromString("rwx------"));
            StateDir.writeAtomically(ssh.resolve("authorized_keys"), Files.readString(pub(dir.key())),
                    PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Exec.run(LabCommands.newKey(hostKey, "root@" + host.name())).orThrow();
    }

    private void writeKnownHosts() {
        StringBuilder text = new StringBuilder();
        for (LabHost host : plan.hosts()) {
            try {
                text.append(host.address()).append(' ')
                        .append(Files.readString(pub(dir.root(host.name()).resolve("etc/ssh/ssh_host_ed25519_key"))));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        StateDir.writeAtomically(dir.knownHosts(), text.toString());
    }

    private void waitSsh(Container c) {
        String[] last = {""};
        try {
            Readiness.await(c.host().name() + " answering SSH", SSH_DEADLINE, () -> {
                Exec.Result r = ssh(c.host().name(), List.of("true"), Duration.ofSeconds(10));
                last[0] = r.stderr().strip();
                return r.ok();
            }, () -> c.pid().isPresent());
        } catch (Readiness.NotReadyException e) {
            if (c.pid().isEmpty()) {
                throw new OperatorException(c.host().name() + " stopped while booting; the end of "
                        + dir.console(c.host().name()) + ":\n" + Processes.tail(dir.console(c.host().name()), 15));
            }
            throw new OperatorException(c.host().name() + " (" + c.host().address() + ") did not answer SSH within "
                    + SSH_DEADLINE.toSeconds() + " s (last: " + last[0] + "); see " + dir.console(c.host().name()));
        }
    }

    private static Path pub(Path key) {
        return key.resolveSibling(key.getFileName() + ".pub");
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
