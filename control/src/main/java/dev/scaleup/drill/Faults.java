package dev.scaleup.drill;

import dev.scaleup.ops.Deployment;
import dev.scaleup.ops.OperatorException;
import dev.scaleup.ops.Progress;
import dev.scaleup.ops.Services;
import dev.scaleup.ops.Tools;
import dev.scaleup.ops.Up;
import dev.scaleup.runtime.Exec;
import dev.scaleup.runtime.HostNetwork;
import dev.scaleup.runtime.ProcessSpec;
import dev.scaleup.topology.Host;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The ways a drill breaks a host, and the ways it mends it. Each returns a sentence saying what it did. */
final class Faults {

    private final Deployment deployment;
    private final Services services;

    Faults(Deployment deployment, Tools tools) {
        this.deployment = deployment;
        this.services = new Services(deployment, tools);
    }

    /** SIGKILL every process in the host's namespace. */
    String killEverything(Host host) {
        List<Long> pids = HostNetwork.pidsIn(deployment.namespace(host));
        return kill(host, pids);
    }

    /** SIGKILL one server process of the host (from its verified pid file) and its descendants of the same program. */
    String killProcess(Host host, String processName) {
        ProcessSpec spec = services.of(host.role()).processes(host).stream()
                .filter(p -> p.name().equals(processName)).findFirst()
                .orElseThrow(() -> new OperatorException(host.name() + " runs no process named " + processName));
        Optional<Long> pid = deployment.running(host, spec);
        if (pid.isEmpty()) {
            throw new OperatorException(host.name() + ": " + processName + " is not running; nothing to kill");
        }
        // the master and its workers: descendants running the same program (not, say, a keepalived it started)
        List<Long> pids = new ArrayList<>();
        pids.add(pid.get());
        ProcessHandle.of(pid.get()).ifPresent(p -> p.descendants()
                .filter(d -> spec.executableName().equals(executable(d.pid())))
                .forEach(d -> pids.add(d.pid())));
        return kill(host, pids);
    }

    /** SIGKILL every process of the user in the host's namespace, except those with the given names. */
    String killUser(Host host, String user, List<String> except) {
        long uid = uidOf(user);
        List<Long> pids = new ArrayList<>();
        for (long pid : HostNetwork.pidsIn(deployment.namespace(host))) {
            if (uidOfProcess(pid) == uid && !except.contains(comm(pid))) {
                pids.add(pid);
            }
        }
        if (pids.isEmpty()) {
            throw new OperatorException(host.name() + ": no process of " + user + " runs; nothing to kill");
        }
        return kill(host, pids);
    }

    String linkDown(Host host) {
        Exec.run(List.of("ip", "-n", deployment.namespace(host), "link", "set", "eth0", "down")).orThrow();
        return host.name() + ": link eth0 down";
    }

    String linkUp(Host host) {
        Exec.run(List.of("ip", "-n", deployment.namespace(host), "link", "set", "eth0", "up")).orThrow();
        deployment.network().ensureHost(host);
        return host.name() + ": link eth0 up, address and default route restored";
    }

    /** {@code scaleup up}: starts whatever is missing, waits until it is ready. */
    String up(Progress progress) {
        Up.run(deployment.topology(), deployment.state(), deployment.repoRoot(), progress);
        return "up: every process is running again";
    }

    private static String kill(Host host, List<Long> pids) {
        if (pids.isEmpty()) {
            throw new OperatorException(host.name() + ": no process to kill");
        }
        Map<String, List<Long>> byName = new LinkedHashMap<>();
        for (long pid : pids) {
            byName.computeIfAbsent(comm(pid), k -> new ArrayList<>()).add(pid);
        }
        List<String> command = new ArrayList<>(List.of("kill", "-s", "KILL"));
        pids.forEach(p -> command.add(Long.toString(p)));
        Exec.run(command);
        StringBuilder s = new StringBuilder(host.name() + ": SIGKILL");
        byName.forEach((name, list) -> s.append(' ').append(name).append(' ').append(list));
        return s.toString();
    }

    static String executable(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe")).getFileName().toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "?";
        }
    }

    static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip();
        } catch (IOException e) {
            return "?";
        }
    }

    static long uidOfProcess(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("Uid:")) {
                    return Long.parseLong(line.substring(4).strip().split("\\s+")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    static long uidOf(String user) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                String[] f = line.split(":");
                if (f.length > 2 && f[0].equals(user)) {
                    return Long.parseLong(f[2]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new OperatorException("cannot read /etc/passwd: " + e.getMessage());
        }
        throw new OperatorException("no user " + user);
    }
}
