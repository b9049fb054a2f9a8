package dev.scaleup.lab;

import static java.util.Objects.requireNonNull;

import dev.scaleup.ops.OperatorException;
import dev.scaleup.runtime.Exec;
import dev.scaleup.runtime.NetCommands;
import dev.scaleup.runtime.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One host's systemd-nspawn container: its overlay root, the detached nspawn process found again by pid file, and
 * power off / boot. Power off is nspawn's own: on TERM it asks the container's systemd to halt (SIGRTMIN+3) and
 * exits when it has; after a deadline it is KILLed. The overlay (the host's disk) stays until the lab is removed.
 *
 * <pre>
 *   absent ──mount──▶ mounted ──boot──▶ running ──poweroff──▶ mounted ──unmount──▶ absent
 * </pre>
 */
final class Container {

    /** A booted Debian halts in a few seconds; a host that does not within this is KILLed. */
    static final Duration HALT_DEADLINE = Duration.ofSeconds(30);
    private final LabDir dir;
    private final LabPlan plan;
    private final LabHost host;

    Container(LabDir dir, LabPlan plan, LabHost host) {
        this.dir = requireNonNull(dir, "dir is null");
        this.plan = requireNonNull(plan, "plan is null");
        this.host = requireNonNull(host, "host is null");
    }

    LabHost host() {
        return host;
    }

    boolean mounted() {
        return Exec.run(LabCommands.isMounted(dir.root(host.name()))).ok();
    }

    /** Mounts the overlay root (the image below, the host's upper layer above) unless it is mounted. */
    void mount(Path image) {
        if (mounted()) {
            return;
        }
        try {
            for (Path d : List.of(dir.upper(host.name()), dir.work(host.name()), dir.root(host.name()))) {
                Files.createDirectories(d);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Exec.run(LabCommands.mountOverlay(image, dir.upper(host.name()), dir.work(host.name()), dir.root(host.name())))
                .orThrow();
    }

    void unmount() {
        if (mounted()) {
            Exec.run(LabCommands.unmount(dir.root(host.name()))).orThrow();
        }
    }

    /** The nspawn process, if the pid file names a live systemd-nspawn of this very machine. */
    Optional<Long> pid() {
        try {
            long pid = Long.parseLong(Files.readString(dir.pidFile(host.name())).strip());
            String cmdline = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
            return Processes.alive(pid) && cmdline.startsWith("systemd-nspawn ")
                    && cmdline.contains(" --machine=" + plan.machine(host) + " ") ? Optional.of(pid) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Starts the container (detached: it outlives the CLI) unless it runs; returns at once, before it has booted. */
    void boot() {
        if (pid().isPresent()) {
            return;
        }
        Path pidFile = dir.pidFile(host.name());
        try {
            Files.deleteIfExists(pidFile);
            ProcessBuilder builder = new ProcessBuilder(LabCommands.detached(pidFile,
                    LabCommands.boot(dir.root(host.name()), plan.machine(host), host.name(), plan.bridge())));
            builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.redirectErrorStream(true);
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.console(host.name()).toFile()));
            Process process = builder.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (pid().isEmpty() && process.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            if (pid().isEmpty()) {
                throw new OperatorException(host.name() + " did not start; the end of " + dir.console(host.name())
                        + ":\n" + Processes.tail(dir.console(host.name()), 10));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + host.name(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperatorException("interrupted while starting " + host.name(), e);
        }
    }

    /**
     * Halts the host (see the class comment); returns what happened. A container that does not halt in time has its
     * init KILLed, not nspawn: KILLing nspawn leaves the container's systemd running, orphaned, with its veth (seen
     * after an interrupted {@code hosts up}: a host still in early boot ignored the halt request). With its PID 1
     * gone the kernel ends every process of the container, and nspawn exits and removes the veth.
     */
    String poweroff() {
        Optional<Long> pid = pid();
        if (pid.isEmpty()) {
            return host.name() + " was not running";
        }
        Exec.run(NetCommands.signal("TERM", List.of(pid.get())));
        if (Processes.waitGone(pid.get(), HALT_DEADLINE)) {
            return host.name() + " halted";
        }
        List<Long> init = children(pid.get());
        Exec.run(NetCommands.signal("KILL", init));
        if (!Processes.waitGone(pid.get(), Duration.ofSeconds(10))) {
            Processes.terminate(pid.get(), "KILL", Duration.ofSeconds(5));
        }
        return host.name() + " killed: it did not halt within " + HALT_DEADLINE.toSeconds() + " s";
    }

    /**
     * Cuts the host's power: its init is KILLed, so the kernel ends every process of the container at once, with no
     * shutdown (no service stops, keepalived sends no goodbye). nspawn then exits; the disk (the overlay) stays.
     */
    String powerCut() {
        Optional<Long> pid = pid();
        if (pid.isEmpty()) {
            return host.name() + " was not running";
        }
        Exec.run(NetCommands.signal("KILL", children(pid.get())));
        if (!Processes.waitGone(pid.get(), Duration.ofSeconds(10))) {
            Processes.terminate(pid.get(), "KILL", Duration.ofSeconds(5));
        }
        return host.name() + " lost its power";
    }

    /** The direct children of a process (of nspawn: the container's init). */
    private static List<Long> children(long pid) {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit))
                    .map(Long::parseLong).filter(p -> ppid(p).orElse(-1L) == pid).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Memory of the container's processes (the nspawn process's descendants), in kB of resident set. */
    long rssKb() {
        Optional<Long> pid = pid();
        if (pid.isEmpty()) {
            return 0;
        }
        Map<Long, Long> parents = new HashMap<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit))
                    .forEach(n -> ppid(Long.parseLong(n)).ifPresent(pp -> parents.put(Long.parseLong(n), pp)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return parents.keySet().stream().filter(p -> descends(p, pid.get(), parents)).mapToLong(Container::rss).sum();
    }

    private static boolean descends(long pid, long ancestor, Map<Long, Long> parents) {
        for (Long p = parents.get(pid); p != null && p > 1; p = parents.get(p)) {
            if (p == ancestor) {
                return true;
            }
        }
        return false;
    }

    private static Optional<Long> ppid(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return Optional.of(Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static long rss(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                    .filter(l -> l.startsWith("VmRSS:")).mapToLong(l -> Long.parseLong(l.split("\\s+")[1])).sum();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
