package dev.scaleup.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Keeps the host logs of a stack before it is taken down (CI keeps target/ of a failed run). */
final class HostLogs {

    private HostLogs() {
    }

    /**
     * Copies every host's logs from a deployment's state directory to {@code keep/<host>/}. A copy that fails is
     * reported, never thrown: it must not stop the down that follows.
     */
    static void keep(Path state, Path keep) {
        Path hosts = state.resolve("hosts");
        if (!Files.isDirectory(hosts)) {
            return;
        }
        try (var all = Files.list(hosts)) {
            for (Path host : all.toList()) {
                Path logs = host.resolve("logs");
                if (Files.isDirectory(logs)) {
                    Path to = Files.createDirectories(keep.resolve(host.getFileName()));
                    try (var files = Files.list(logs)) {
                        for (Path log : files.toList()) {
                            Files.copy(log, to.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
            }
        } catch (IOException e) {
            System.err.println("could not keep the host logs of " + state + ": " + e);
        }
    }
}
