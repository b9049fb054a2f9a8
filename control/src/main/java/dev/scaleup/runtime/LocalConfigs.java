package dev.scaleup.runtime;

import dev.scaleup.render.HostPaths;
import dev.scaleup.render.RenderedFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;

/** A host's config files on this machine (the netns target): each written only when it changed, atomically. */
final class LocalConfigs {

    private LocalConfigs() {
    }

    /**
     * Writes the files that differ from what is on disk (made with their mode and the old file's owner, then renamed
     * over); their names.
     */
    static List<String> write(HostPaths paths, List<RenderedFile> files) {
        List<String> changed = new ArrayList<>();
        try {
            for (Path dir : List.of(paths.conf(), paths.data(), paths.logs(), paths.run())) {
                Files.createDirectories(dir);
            }
            for (RenderedFile file : files) {
                Path target = paths.conf(file.name());
                if (Files.exists(target) && Files.readString(target).equals(file.content())) {
                    continue;
                }
                Path tmp = paths.conf(file.name() + ".new");
                Files.deleteIfExists(tmp);
                Files.createFile(tmp);
                Files.setPosixFilePermissions(tmp, FileModes.of(file.mode()));
                Files.writeString(tmp, file.content());
                if (Files.exists(target)) {
                    // the owner stays (patroni.yml is postgres's: Patroni reads it again at a reload)
                    PosixFileAttributes old = Files.readAttributes(target, PosixFileAttributes.class);
                    PosixFileAttributeView view = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
                    view.setOwner(old.owner());
                    view.setGroup(old.group());
                }
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                changed.add(file.name());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write configs into " + paths.conf(), e);
        }
        return changed;
    }
}
