package dev.scaleup.lab;

import static java.util.Objects.requireNonNull;

import dev.scaleup.ops.OperatorException;
import dev.scaleup.ops.Progress;
import dev.scaleup.runtime.Exec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The Debian 12 root filesystem every throwaway host boots from (read-only, below each host's overlay). Built once
 * with debootstrap and kept under {@code /var/cache/scaleup/images/debian12-HASH/}, HASH naming the package lists and
 * this recipe, so a changed list builds a new image beside the old. A build happens in a temporary directory renamed
 * when complete: an interrupted build never leaves a half image that looks whole.
 */
public final class Image {

    static final Path CACHE = Path.of("/var/cache/scaleup/images");
    static final String SUITE = "bookworm";
    /** What makes it a host: an init, a bus, sshd for Ansible, python3 for Ansible's modules, sudo, ip. */
    static final List<String> BASE = List.of("systemd", "systemd-sysv", "dbus", "openssh-server", "python3", "sudo",
            "iproute2");
    /**
     * What the stack runs, pre-installed so that the tests do not depend on the network (the playbook still declares
     * every package, so real servers get them from apt).
     */
    static final List<String> STACK = List.of("haproxy", "keepalived", "iputils-arping", "nginx", "postgresql-15",
            "patroni", "etcd-server", "python3-etcd", "pgbackrest", "pgbouncer", "nftables", "curl", "ca-certificates", "util-linux",
            "prometheus", "prometheus-alertmanager", "prometheus-node-exporter", "prometheus-nginx-exporter",
            "prometheus-postgres-exporter");
    /** The packages' own services: the deployment decides what runs, so none starts at boot. */
    static final List<String> PACKAGE_SERVICES = List.of("haproxy", "keepalived", "nginx", "postgresql", "patroni",
            "etcd", "pgbackrest", "pgbouncer", "nftables", "prometheus", "prometheus-alertmanager", "prometheus-node-exporter",
            "prometheus-nginx-exporter", "prometheus-postgres-exporter");
    /** Changes with the build steps below, so an image built by an older recipe is not reused. */
    private static final String RECIPE = "2";

    private final Path cache;

    public Image() {
        this(CACHE);
    }

    Image(Path cache) {
        this.cache = requireNonNull(cache, "cache is null");
    }

    /** The image's directory, which exists only once it is complete. */
    public Path path() {
        return cache.resolve("debian12-" + hash());
    }

    static String hash() {
        String recipe = RECIPE + "\n" + SUITE + "\n" + String.join(" ", BASE) + "\n" + String.join(" ", STACK);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(recipe.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The image, built first if it is not in the cache. */
    public Path ensure(Progress progress) {
        Path image = path();
        if (Files.isDirectory(image)) {
            progress.step("image " + image + " is in the cache");
            return image;
        }
        Path tmp = cache.resolve(image.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        Path log = cache.resolve(image.getFileName() + ".log");
        try {
            Files.createDirectories(cache);
            removeAbandonedBuilds(image);
            Files.deleteIfExists(log);
            build(tmp, new LoggedStep(progress, log), progress);
            Files.move(tmp, image, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the image in " + tmp, e);
        } finally {
            removeBuild(tmp);
        }
        progress.step(String.format("image %s built in %.0f s, %s", image, progress.elapsedSeconds(), size(image)));
        return image;
    }

    /**
     * Deletes the temporary directories of builds whose process is gone (an interrupted {@code hosts up}: a kill or
     * Ctrl-C runs no clean-up); a build still running elsewhere keeps its own.
     */
    private void removeAbandonedBuilds(Path image) throws IOException {
        String prefix = image.getFileName() + ".tmp-";
        try (var entries = Files.newDirectoryStream(cache, prefix + "*")) {
            for (Path tmp : entries) {
                String pid = tmp.getFileName().toString().substring(prefix.length());
                if (pid.chars().allMatch(Character::isDigit)
                        && ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                removeBuild(tmp);
            }
        }
    }

    /**
     * Removes a build directory. An interrupted debootstrap can leave /proc, /sys or a bind mount of /dev mounted
     * inside it: those are unmounted first, and rm stays on the build's file system, so that nothing of this
     * machine's is ever deleted through them.
     */
    static void removeBuild(Path tmp) {
        try {
            List<String> mounts = new ArrayList<>(Files.readAllLines(Path.of("/proc/self/mounts")).stream()
                    .map(line -> line.split(" ")[1]).filter(target -> target.startsWith(tmp + "/")).toList());
            java.util.Collections.reverse(mounts);
            mounts.forEach(target -> Exec.run(List.of("umount", "-l", target)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Exec.run(LabCommands.removeTree(tmp), Duration.ofMinutes(5), null).orThrow();
    }

    private static void build(Path root, LoggedStep step, Progress progress) throws IOException {
        String mirror = AptMirror.of(SUITE);
        progress.step("building the Debian 12 image with debootstrap from " + mirror + " (once; a few minutes)");
        step.run("debootstrap", List.of("debootstrap", "--variant=minbase", "--include=" + String.join(",", BASE),
                SUITE, root.toString(), mirror), Duration.ofMinutes(30));
        // the packages' maintainer scripts must not start their services in the build container
        Path policy = root.resolve("usr/sbin/policy-rc.d");
        Files.writeString(policy, "#!/bin/sh\nexit 101\n");
        policy.toFile().setExecutable(true);
        progress.step("installing the stack's packages: " + String.join(" ", STACK));
        List<String> install = new ArrayList<>(List.of("env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install",
                "-y", "-q", "--no-install-recommends"));
        install.addAll(STACK);
        step.run("apt-get install", LabCommands.inDirectory(root, install), Duration.ofMinutes(30));
        // the deployment makes its own database cluster, under Patroni
        step.run("pg_dropcluster", LabCommands.inDirectory(root, List.of("pg_dropcluster", "15", "main")), Duration.ofMinutes(2));
        step.run("apt-get clean", LabCommands.inDirectory(root, List.of("apt-get", "clean")), Duration.ofMinutes(2));
        List<String> disable = new ArrayList<>(List.of("systemctl", "--root=" + root, "disable", "--quiet"));
        disable.addAll(PACKAGE_SERVICES);
        Exec.run(disable).orThrow();
        Exec.run(List.of("systemctl", "--root=" + root, "enable", "--quiet", "systemd-networkd")).orThrow();
        Files.delete(policy);
        // each host gets its own sshd key and machine id in its overlay: none may be shared through the image
        try (var keys = Files.newDirectoryStream(root.resolve("etc/ssh"), "ssh_host_*")) {
            for (Path key : keys) {
                Files.delete(key);
            }
        }
    }

    private static String size(Path image) {
        Exec.Result du = Exec.run(List.of("du", "-sxh", image.toString()));
        return du.ok() ? du.stdout().split("\\s+")[0] : "size unknown";
    }

    /** Throws, naming the package, when the machine lacks what builds or boots hosts. */
    static void requireTools() {
        for (String tool : List.of("debootstrap", "systemd-nspawn", "ssh", "ssh-keygen")) {
            if (!Exec.run(List.of("sh", "-c", "command -v " + tool)).ok()) {
                throw new OperatorException(tool + " is missing: ./scaleup installs debootstrap, systemd-container and"
                        + " openssh-client for the hosts commands when run as root");
            }
        }
    }
}
