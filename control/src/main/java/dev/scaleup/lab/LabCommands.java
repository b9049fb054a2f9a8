package dev.scaleup.lab;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the argument lists that make and reach throwaway hosts (overlay mounts, systemd-nspawn, ssh). Pure: runs
 * nothing, tested by the exact command. The bridge's commands are {@link dev.scaleup.runtime.NetCommands}'.
 */
public final class LabCommands {

    private LabCommands() {
    }

    /** The host's root: the image read-only below, the host's own changes in {@code upper}. */
    public static List<String> mountOverlay(Path image, Path upper, Path work, Path root) {
        return List.of("mount", "-t", "overlay", "overlay", "-o",
                "lowerdir=" + image + ",upperdir=" + upper + ",workdir=" + work, root.toString());
    }

    public static List<String> unmount(Path root) {
        return List.of("umount", root.toString());
    }

    /** Deletes a tree without crossing into another file system (a mount left inside is never emptied through it). */
    public static List<String> removeTree(Path path) {
        return List.of("rm", "-rf", "--one-file-system", path.toString());
    }

    /** Exit 0 when something is mounted there. */
    public static List<String> isMounted(Path root) {
        return List.of("mountpoint", "-q", root.toString());
    }

    /**
     * Boots the host: systemd as the container's PID 1 ({@code --boot}) on the overlay root, with a veth whose inside
     * end is {@code host0} on the lab's bridge. The machine is neither registered with systemd-machined nor put in
     * a scope unit of its own (--keep-unit): both need systemd as this machine's PID 1 and its bus, which a CI
     * container lacks ("Failed to open system bus"); it is found by pid file and reached by SSH instead. CAP_NET_ADMIN
     * lets keepalived add the VIP and nft load rules; CAP_NET_RAW lets arping check the VIP.
     * The console is read-only: the boot messages go to the host's log, and nothing reads a terminal.
     */
    public static List<String> boot(Path root, String machine, String hostname, String bridge) {
        return List.of("systemd-nspawn", "--quiet", "--boot", "--directory=" + root, "--machine=" + machine,
                "--hostname=" + hostname, "--keep-unit", "--register=no", "--network-bridge=" + bridge,
                "--capability=CAP_NET_ADMIN,CAP_NET_RAW", "--console=read-only", "--link-journal=no",
                "--resolv-conf=off", "--timezone=off");
    }

    /**
     * Runs a command inside the image being built, as in a chroot but with its own /proc, /dev and /run (maintainer
     * scripts need them) and the machine's network (for apt).
     */
    public static List<String> inDirectory(Path root, List<String> command) {
        List<String> all = new ArrayList<>(List.of("systemd-nspawn", "--quiet", "--keep-unit", "--register=no", "--pipe",
                "--directory=" + root));
        all.addAll(command);
        return List.copyOf(all);
    }

    /**
     * Runs {@code command} detached in a session of its own, so it outlives the CLI; the pid file names it once it
     * runs ({@code sh} writes its own pid, then execs into the command).
     */
    public static List<String> detached(Path pidFile, List<String> command) {
        List<String> all = new ArrayList<>(List.of("setsid", "sh", "-c", "echo $$ > \"$0\"; exec \"$@\"", pidFile.toString()));
        all.addAll(command);
        return List.copyOf(all);
    }

    /** A key pair without a passphrase: the lab's login key, or a host's sshd key. */
    public static List<String> newKey(Path privateKey, String comment) {
        return List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", privateKey.toString());
    }

    /**
     * Runs {@code command} on the host as root, non-interactively, trusting only the host keys the lab made
     * ({@code known_hosts} of the lab): a host that answers with another key is not the lab's.
     */
    public static List<String> ssh(Path key, Path knownHosts, String address, List<String> command) {
        List<String> all = new ArrayList<>(List.of("ssh", "-i", key.toString(), "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + knownHosts,
                "-o", "ConnectTimeout=3", "-o", "LogLevel=ERROR", "root@" + address));
        all.addAll(command);
        return List.copyOf(all);
    }
}
