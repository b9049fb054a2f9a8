package dev.scaleup.ansible;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

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
}
