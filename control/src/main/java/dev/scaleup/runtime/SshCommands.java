package dev.scaleup.runtime;

import static java.util.Objects.requireNonNull;

import dev.scaleup.topology.Ipv4;
import dev.scaleup.topology.Ssh;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the {@code ssh} argument lists the hosts target runs, and the commands it runs on a server. Pure: runs
 * nothing, tested by the exact command.
 *
 * <p>ssh joins the words after the destination with spaces and hands them to the server's shell, so every word is
 * single-quoted here: a word reaches the server's program as it was given, whatever it holds.
 */
public final class SshCommands {

    /** Fails fast on a server that does not answer, instead of TCP's two minutes. */
    static final int CONNECT_TIMEOUT_SECONDS = 5;

    /**
     * Where ssh checks the servers' host keys.
     *
     * @param file the known_hosts file
     * @param strict true: a server must be in the file already (a lab's, which lists every host's key); false: a
     *     server's key is learned at the first connection and checked at every later one ({@code accept-new})
     */
    public record HostKeys(Path file, boolean strict) {
        public HostKeys {
            requireNonNull(file, "file is null");
        }
    }

    private SshCommands() {
    }

    /**
     * {@code ssh … user@address -- COMMAND}: the key, batch mode (no password prompt, ever), one shared connection per
     * server ({@code ControlMaster}, its socket in {@code controlDir}, kept 60 s after the last use, so the many short
     * commands of a status cost one handshake), the host keys, and {@code sudo -n} when the login is not root's.
     */
    public static List<String> ssh(Ssh ssh, Ipv4 address, HostKeys keys, Path controlDir, List<String> command) {
        List<String> argv = new ArrayList<>(List.of("ssh", "-i", ssh.key().toString(), "-p", Integer.toString(ssh.port()),
                "-o", "BatchMode=yes", "-o", "ConnectTimeout=" + CONNECT_TIMEOUT_SECONDS,
                "-o", "ControlMaster=auto", "-o", "ControlPath=" + controlDir.resolve("%C"), "-o", "ControlPersist=60",
                "-o", "StrictHostKeyChecking=" + (keys.strict() ? "yes" : "accept-new"),
                "-o", "UserKnownHostsFile=" + keys.file(),
                ssh.user() + "@" + address, "--"));
        // from /: a command run as another user (runuser -u postgres) could not enter the login's home, and
        // PostgreSQL's programs say so on every run
        argv.add("cd / && " + remote(ssh.sudo() ? NetCommands.concat(List.of("sudo", "-n", "--"), command) : command));
        return List.copyOf(argv);
    }

    /** The words as one line for the server's shell, each single-quoted. */
    static String remote(List<String> words) {
        StringBuilder line = new StringBuilder();
        for (String word : words) {
            line.append(line.isEmpty() ? "" : " ").append('\'').append(word.replace("'", "'\\''")).append('\'');
        }
        return line.toString();
    }

    /**
     * The command run with extra environment variables that never appear on a command line (here or on the
     * server, where {@code ps} would show them): a shell reads {@code NAME=value} lines from standard input up to an
     * empty line, exports them, then runs the command, which reads the rest of standard input. {@link #envInput}
     * makes that input.
     */
    public static List<String> withEnvFromStdin(List<String> command) {
        return NetCommands.concat(List.of("sh", "-c",
                "while IFS= read -r v && [ -n \"$v\" ]; do export \"$v\"; done; exec \"$@\"", "sh"), command);
    }

    /** Standard input for {@link #withEnvFromStdin}: the variables, an empty line, then the command's own input. */
    public static String envInput(Map<String, String> env, String stdin) {
        StringBuilder input = new StringBuilder();
        env.forEach((name, value) -> {
            if (value.contains("\n") || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException("cannot pass " + name + " on standard input: a name of letters,"
                        + " digits and '_', and a value of one line");
            }
            input.append(name).append('=').append(value).append('\n');
        });
        return input.append('\n').append(stdin == null ? "" : stdin).toString();
    }

    /** The process id of a unit's main process, 0 when it runs none. */
    public static List<String> mainPid(String unit) {
        return List.of("systemctl", "show", "--property=MainPID", "--value", unit + ".service");
    }

    public static List<String> systemctl(String verb, String unit) {
        return List.of("systemctl", verb, unit + ".service");
    }

    /**
     * Stops the units and keeps them from starting at boot; a unit that was never installed (an up that stopped
     * before its play) is skipped. Prints each unit it disabled. One {@code systemctl disable} for all of them: each
     * call reloads systemd, and one call per unit (six on a db host) made the disabling of HostsStackIT's `down` take
     * 40 s of its 59.
     */
    public static List<String> disableNow(List<String> units) {
        List<String> argv = new ArrayList<>(List.of("sh", "-c", "found=; for u; do if systemctl cat \"$u.service\""
                + " >/dev/null 2>&1; then found=\"$found $u\"; fi; done; [ -z \"$found\" ] && exit 0;"
                + " systemctl disable --now --quiet $(for u in $found; do echo \"$u.service\"; done) || exit 1;"
                + " for u in $found; do echo \"$u\"; done", "sh"));
        argv.addAll(units);
        return List.copyOf(argv);
    }

    /** The runtime drop-in that keeps a killed unit down until the restore (in /run: a reboot forgets it too). */
    static final String HOLD_DOWN = "/run/systemd/system/$u.service.d/scaleup-fault.conf";

    /**
     * Keeps the units down once a fault kills them: a runtime drop-in {@code Restart=no}, so systemd does not start
     * them again at once (patroni.service restarts on failure within 100 ms, and a killed primary would be back
     * before its leader key expired). {@link #startStopped} removes it.
     */
    public static List<String> holdDown(List<String> units) {
        List<String> argv = new ArrayList<>(List.of("sh", "-c", "for u; do mkdir -p \"$(dirname " + HOLD_DOWN + ")\""
                + " && printf '# a drill holds this unit down until its restore\\n[Service]\\nRestart=no\\n' > \"" + HOLD_DOWN
                + "\" || exit 1; done; systemctl daemon-reload", "sh"));
        argv.addAll(units);
        return List.copyOf(argv);
    }

    /**
     * Lets the units restart on failure again ({@link #holdDown} undone), then starts each installed unit that is
     * not active, in order; prints the name of each it started.
     */
    public static List<String> startStopped(List<String> units) {
        List<String> argv = new ArrayList<>(List.of("sh", "-c", "held=0; for u; do if [ -e \"" + HOLD_DOWN + "\" ];"
                + " then rm -f \"" + HOLD_DOWN + "\"; held=1; fi; done; [ $held = 0 ] || systemctl daemon-reload;"
                + " for u; do if systemctl cat \"$u.service\" >/dev/null 2>&1"
                + " && ! systemctl is-active --quiet \"$u.service\"; then systemctl start \"$u.service\" && echo \"$u\""
                + " || exit 1; fi; done", "sh"));
        argv.addAll(units);
        return List.copyOf(argv);
    }

    /**
     * SIGKILL to every process of the unit at once, read from its control group (a fault: the master, its workers and
     * what it started, as when a server's processes die). Not {@code systemctl kill --kill-whom=all}: on a host with
     * hybrid cgroups (an nspawn container here) it signals the main process and then fails on the others ("Failed
     * to send signal SIGKILL to auxiliary processes: Input/output error"), leaving e.g. PostgreSQL running under a
     * killed Patroni. A process outside the server's PID namespace reads as 0 there, which {@code kill} would take
     * for "my process group" (it ended the SSH session): only pids above 1 are signalled. Prints how many processes
     * it signalled; exits 3 when the unit has none.
     */
    public static List<String> killUnit(String unit) {
        return List.of("sh", "-c", "cg=\"$(systemctl show --property=ControlGroup --value \"$1.service\")\"; [ -n \"$cg\" ] || exit 3;"
                + " pids=\"$(for r in /sys/fs/cgroup /sys/fs/cgroup/unified /sys/fs/cgroup/systemd; do"
                + " [ -d \"$r$cg\" ] && find \"$r$cg\" -name cgroup.procs -exec cat {} +; done | awk '$1 > 1' | sort -u)\";"
                + " [ -n \"$pids\" ] || exit 3; kill -KILL $pids 2>/dev/null; echo $pids | wc -w", "sh", unit);
    }

    /** Sends the signal to the unit's main process (a reload: USR2 to HAProxy's master, HUP to nginx's). */
    public static List<String> signalMain(String unit, String signal) {
        return List.of("systemctl", "kill", "--kill-whom=main", "--signal=" + signal, unit + ".service");
    }

    /** The unit's last lines in its journal. */
    public static List<String> journal(String unit, int lines) {
        return List.of("journalctl", "--unit=" + unit + ".service", "--lines=" + lines, "--no-pager", "--output=short-iso");
    }

    /**
     * The unit's journal, from {@code since} on when given, each line starting with its time to the microsecond and
     * the offset ({@code short-iso-precise}), without journalctl's own notes ({@code -q}).
     */
    public static List<String> journalSince(String unit, java.util.Optional<java.time.Instant> since) {
        List<String> command = new java.util.ArrayList<>(List.of("journalctl", "--unit=" + unit + ".service",
                "--no-pager", "--quiet", "--output=short-iso-precise"));
        since.ifPresent(t -> command.add("--since=@" + t.getEpochSecond()));
        return command;
    }

    /** The pid in the pid file when that process runs the program {@code comm}; prints nothing otherwise. */
    public static List<String> pidFromFile(Path pidFile, String comm) {
        return List.of("sh", "-c", "p=$(cat \"$1\" 2>/dev/null) && [ \"$(cat /proc/\"$p\"/comm 2>/dev/null)\" = \"$2\" ]"
                + " && echo \"$p\"", "sh", pidFile.toString(), comm);
    }

    /** {@code pid name} of every process of the user, one a line. */
    public static List<String> processesOf(String user) {
        return List.of("pgrep", "--list-name", "--uid", user);
    }

    /**
     * One line to a unix socket of the server and everything it answers (HAProxy's runtime API), with the server's
     * python3: Debian's haproxy package brings no socat.
     */
    public static List<String> askSocket(Path socket, String line) {
        return List.of("python3", "-c", "import socket,sys\n"
                + "s=socket.socket(socket.AF_UNIX)\n"
                + "s.settimeout(5)\n"
                + "s.connect(sys.argv[1])\n"
                + "s.sendall(sys.argv[2].encode()+b'\\n')\n"
                + "while True:\n"
                + "    b=s.recv(65536)\n"
                + "    if not b: break\n"
                + "    sys.stdout.buffer.write(b)\n", socket.toString(), line);
    }

    /**
     * What pre-flight asks every server in one round trip: its distribution and release, and who runs the command
     * (root, directly or through sudo). Prints {@code ID VERSION_ID UID}.
     */
    public static List<String> preflight() {
        return List.of("sh", "-c", ". /etc/os-release && echo \"$ID $VERSION_ID $(id -u)\"");
    }

    /** The table a network cut lives in, beside the firewall's and the drills' other tables. */
    public static final String CUT_TABLE = "scaleup_cut";

    /**
     * Cuts the server off its network except for SSH on {@code sshPort}: every other packet in or out of {@code dev}
     * is dropped, established connections included. Taking the interface down would cut the control machine's SSH
     * as well, and nothing could bring it back.
     */
    public static List<String> cut(String dev, int sshPort) {
        return List.of("nft", "table inet " + CUT_TABLE + "; delete table inet " + CUT_TABLE + "; table inet " + CUT_TABLE
                + " { " + cutChain("input", "iifname", dev, sshPort) + " " + cutChain("output", "oifname", dev, sshPort)
                + " }");
    }

    private static String cutChain(String hook, String match, String dev, int sshPort) {
        String on = match + " \"" + dev + "\" ";
        return "chain " + hook + " { type filter hook " + hook + " priority -20; policy accept; " + on + "tcp dport "
                + sshPort + " accept; " + on + "tcp sport " + sshPort + " accept; " + on + "counter drop; };";
    }

    public static List<String> listCut() {
        return List.of("nft", "list", "table", "inet", CUT_TABLE);
    }

    public static List<String> deleteCut() {
        return List.of("nft", "delete", "table", "inet", CUT_TABLE);
    }
    /** {@code sha256sum -- FILES}: a line "HASH  FILE" for each file that exists. */
    public static List<String> sha256sum(List<String> files) {
        return NetCommands.concat(List.of("sha256sum", "--"), files);
    }

    /** The checksums {@link #sha256sum} printed, by file. */
    public static Map<String, String> checksums(String output) {
        Map<String, String> sums = new java.util.HashMap<>();
        output.lines().map(l -> l.split("  ", 2)).filter(p -> p.length == 2 && p[0].matches("[0-9a-f]{64}"))
                .forEach(p -> sums.put(p[1], p[0]));
        return sums;
    }

    /** The SHA-256 of the text's UTF-8 bytes, as sha256sum prints it. */
    public static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Replaces the file with standard input: written to FILE.new (private while it is written), given the old file's
     * owner and mode (or {@code mode} when there was none), then renamed over it, so no reader sees half a file.
     */
    public static List<String> replaceFile(Path file, int mode) {
        return List.of("sh", "-c", "set -e; t=\"$1.new\"; rm -f \"$t\"; (umask 077; cat > \"$t\");"
                + " if [ -e \"$1\" ]; then chown --reference=\"$1\" \"$t\"; chmod --reference=\"$1\" \"$t\";"
                + " else chmod \"$2\" \"$t\"; fi; mv -f \"$t\" \"$1\"", "sh", file.toString(),
                String.format("%04o", mode));
    }
}
