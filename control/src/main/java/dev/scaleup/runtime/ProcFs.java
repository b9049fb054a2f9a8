package dev.scaleup.runtime;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What /proc and /etc/passwd say about a local process or user (the netns target's faults pick pids by them). */
final class ProcFs {

    private ProcFs() {
    }

    /**
     * The pids under the proc directory whose network namespace is the one bound at the file (a namespace's file under
     * /run/netns, or a process's {@code ns/net}), in ascending order; none when the file does not exist. A process that
     * exits while it is read is left out.
     */
    static List<Long> pidsInNetworkNamespace(Path proc, Path namespaceFile) {
        String wanted = networkNamespaceLink(namespaceFile);
        if (wanted == null) {
            return List.of();
        }
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(proc)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.isEmpty() || !name.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    continue;
                }
                try {
                    if (Files.readSymbolicLink(entry.resolve("ns").resolve("net")).toString().equals(wanted)) {
                        pids.add(Long.parseLong(name));
                    }
                } catch (IOException | UnsupportedOperationException e) {
                    // exited meanwhile
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + proc + ": " + e.getMessage(), e);
        }
        pids.sort(null);
        return List.copyOf(pids);
    }

    /**
     * What a process's {@code ns/net} link reads when the process is in the namespace bound at the file
     * ({@code net:[INODE]}), or null when the file does not exist.
     */
    static String networkNamespaceLink(Path namespaceFile) {
        try {
            return "net:[" + Files.getAttribute(namespaceFile, "unix:ino") + "]";
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
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

    static boolean userExists(String user) {
        try {
            return Files.readAllLines(Path.of("/etc/passwd")).stream().anyMatch(line -> line.startsWith(user + ":"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /etc/passwd: " + e.getMessage());
        }
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
            throw new IllegalStateException("cannot read /etc/passwd: " + e.getMessage());
        }
        throw new IllegalStateException("no user " + user);
    }
}
