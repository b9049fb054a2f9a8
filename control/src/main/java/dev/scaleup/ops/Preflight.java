package dev.scaleup.ops;

import dev.scaleup.runtime.Exec;
import dev.scaleup.runtime.SshCommands;
import dev.scaleup.runtime.Target;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Ssh;
import dev.scaleup.topology.Topology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Up's check of every server before anything is made on any of them: it answers over SSH with the key, runs
 * Debian 12, and the login is root's or becomes root with sudo (no password). One round trip per server, all at
 * once; every problem is reported, one sentence per server, and up starts nothing.
 */
final class Preflight {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    /** ssh's own exit status when it could not log in (the remote command's is passed through otherwise). */
    static final int SSH_FAILED = 255;

    private Preflight() {
    }

    /** The problems of the deployment's servers, in the topology's order; empty when every one is fit. */
    static List<String> problems(Topology topology, Target target) {
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        Parallel.forEach(topology.hosts(), host -> judge(host, ssh(topology, host),
                target.exec(host, SshCommands.preflight(), TIMEOUT)).ifPresent(problems::add));
        List<String> ordered = new ArrayList<>();
        for (Host host : topology.hosts()) {
            problems.stream().filter(p -> p.startsWith(host.name() + " ")).forEach(ordered::add);
        }
        return ordered;
    }

    private static Ssh ssh(Topology topology, Host host) {
        return topology.servers().named(host.name()).orElseThrow().ssh();
    }

    /** What is wrong with one server, from what {@link SshCommands#preflight} answered there; empty when nothing. */
    static Optional<String> judge(Host host, Ssh ssh, Exec.Result result) {
        String who = host.name() + " (" + ssh.user() + "@" + host.address() + ":" + ssh.port() + ")";
        String error = lastLine(result.stderr());
        if (result.exitCode() == SSH_FAILED) {
            return Optional.of(who + " does not let scaleup in over SSH with the key " + ssh.key() + ": " + error);
        }
        if (ssh.sudo() && error.startsWith("sudo:")) {
            return Optional.of(who + ": " + ssh.user() + " cannot become root with sudo without a password (" + error
                    + "); scaleup needs `sudo -n` to work for that user");
        }
        String[] answer = result.stdout().strip().split(" ");
        if (!result.ok() || answer.length != 3) {
            return Optional.of(who + " answered the check `" + String.join(" ", SshCommands.preflight()) + "` with exit "
                    + result.exitCode() + (error.isEmpty() ? "" : ": " + error) + " (a Debian 12 server with"
                    + " /etc/os-release is needed)");
        }
        if (!answer[0].equals("debian") || !answer[1].equals("12")) {
            return Optional.of(who + " runs " + answer[0] + " " + answer[1] + ", not Debian 12 (bookworm): the"
                    + " stack's packages are Debian 12's");
        }
        if (!answer[2].equals("0")) {
            return Optional.of(who + ": " + ssh.user() + " is not root and the file does not say sudo: true for it"
                    + " (ssh.sudo, or hosts." + host.name() + ".sudo)");
        }
        return Optional.empty();
    }

    private static String lastLine(String text) {
        List<String> lines = text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }
}
