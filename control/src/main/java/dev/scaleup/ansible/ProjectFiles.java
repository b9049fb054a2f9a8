package dev.scaleup.ansible;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/** Writes the project to disk: the directory 0700 (the hosts' files hold secrets), each file with its own mode. */
public final class ProjectFiles {

    private ProjectFiles() {}

    /** Writes every file under {@code dir} (made 0700), replacing each atomically; files not in the list are kept. */
    public static void write(Path dir, List<ProjectFile> files) {
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            for (ProjectFile file : files) {
                Path target = dir.resolve(file.path());
                Files.createDirectories(target.getParent());
                Path tmp = target.resolveSibling(target.getFileName() + ".new");
                Files.deleteIfExists(tmp);
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                        (file.mode() & 0077) == 0 ? "rw-------" : "rw-r--r--")));
                Files.writeString(tmp, file.content());
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Ansible project into " + dir, e);
        }
    }

    /** Beside the project: each file's checksum as of the last run of site.yml that succeeded on every host. */
    static final String APPLIED = ".applied";

    /**
     * The files (project paths) that differ from what the last successful run applied, or that it did not have: a
     * run that failed half way leaves its hosts in this set until one succeeds.
     */
    public static Set<String> changedSinceApplied(Path dir, List<ProjectFile> files) {
        Map<String, String> applied = applied(dir);
        Set<String> changed = new TreeSet<>();
        for (ProjectFile file : files) {
            if (!checksum(file).equals(applied.get(file.path()))) {
                changed.add(file.path());
            }
        }
        return changed;
    }

    /** Records the files as applied (after a run that succeeded on every host); the record holds only these. */
    public static void markApplied(Path dir, List<ProjectFile> files) {
        Map<String, String> sums = new java.util.TreeMap<>();
        files.forEach(f -> sums.put(f.path(), checksum(f)));
        record(dir, sums);
    }

    /** Records one more file as applied, the others as they were (a deploy applied the app release everywhere). */
    public static void markAppliedToo(Path dir, ProjectFile file) {
        Map<String, String> sums = new java.util.TreeMap<>(applied(dir));
        sums.put(file.path(), checksum(file));
        record(dir, sums);
    }

    private static void record(Path dir, Map<String, String> sums) {
        StringBuilder lines = new StringBuilder("# the project's files as of the last run that succeeded on every host\n");
        sums.forEach((path, sum) -> lines.append(path).append(" = ").append(sum).append('\n'));
        write(dir, List.of(new ProjectFile(APPLIED, lines.toString(), 0600)));
    }

    /** The hosts the last successful run had files for: those a run has set up (the others are new). */
    public static Set<String> appliedHosts(Path dir) {
        Set<String> hosts = new TreeSet<>();
        applied(dir).keySet().stream().filter(p -> p.startsWith("host_files/")).map(p -> p.split("/")[1]).forEach(hosts::add);
        return hosts;
    }

    private static Map<String, String> applied(Path dir) {
        Path file = dir.resolve(APPLIED);
        Map<String, String> sums = new HashMap<>();
        if (!Files.exists(file)) {
            return sums;
        }
        try {
            Properties p = new Properties();
            p.load(new java.io.StringReader(Files.readString(file)));
            p.forEach((k, v) -> sums.put((String) k, (String) v));
            return sums;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static String checksum(ProjectFile file) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest((file.mode() + "\n" + file.content()).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
