package dev.scaleup.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcFsTest {

    /** A process directory under the fake /proc whose ns/net names the namespace inode, like the kernel's link. */
    private static void process(Path proc, String pid, String netLink) throws IOException {
        Path ns = Files.createDirectories(proc.resolve(pid).resolve("ns"));
        Files.createSymbolicLink(ns.resolve("net"), Path.of(netLink));
    }

    @Test
    void picksTheProcessesOfTheNamespaceOnlyInOrder(@TempDir Path dir) throws IOException {
        Path namespace = Files.createFile(dir.resolve("scaleup-lb1"));
        Object inode = Files.getAttribute(namespace, "unix:ino");
        Path proc = Files.createDirectories(dir.resolve("proc"));
        process(proc, "4100", "net:[" + inode + "]");
        process(proc, "17", "net:[" + inode + "]");
        process(proc, "900", "net:[4026531840]");
        process(proc, "901", "net:[" + inode + "0]"); // a longer inode that starts with the same digits
        Files.createDirectories(proc.resolve("22")); // a process that exited while /proc was read: no ns/net
        process(proc, "self", "net:[" + inode + "]"); // not a pid
        Files.createDirectories(proc.resolve("sys"));

        assertThat(ProcFs.pidsInNetworkNamespace(proc, namespace)).containsExactly(17L, 4100L);
    }

    @Test
    void aNamespaceThatDoesNotExistHasNoProcesses(@TempDir Path dir) throws IOException {
        Path proc = Files.createDirectories(dir.resolve("proc"));
        process(proc, "17", "net:[1]");

        assertThat(ProcFs.pidsInNetworkNamespace(proc, dir.resolve("gone"))).isEmpty();
    }

    @Test
    void findsThisProcessInItsOwnNamespaceInTheRealProc() {
        assertThat(ProcFs.pidsInNetworkNamespace(Path.of("/proc"), Path.of("/proc/self/ns/net")))
                .contains(ProcessHandle.current().pid());
    }
}
