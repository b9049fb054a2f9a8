package dev.scaleup.ops;

import dev.scaleup.render.ConfigCheck;
import dev.scaleup.render.HostPaths;
import dev.scaleup.render.RenderedFile;
import dev.scaleup.runtime.Exec;
import dev.scaleup.runtime.FileModes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Writes rendered files into a host's conf directory (only when they changed) and runs each one's checker. */
final class ConfigFiles {

    private ConfigFiles() {
    }

    /** Writes the files that differ from what is on disk; returns their names. */
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
                Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                changed.add(file.name());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write configs into " + paths.conf(), e);
        }
        return changed;
    }

    /**
     * Renders the host's files again; when any changed, prepares the host (file owners) and, if its first process
     * runs, checks them and reloads it. Returns the reload's sentence, or null when nothing changed or nothing runs.
     */
    static String refresh(Deployment deployment, dev.scaleup.topology.Host host) {
        HostService service = deployment.services().of(host.role());
        List<RenderedFile> files = deployment.render(host);
        List<String> written = write(deployment.paths(host), files);
        if (written.isEmpty()) {
            return null;
        }
        service.prepare(host);
        if (!deployment.isRunning(host, service.processes(host).get(0))) {
            return null;
        }
        check(deployment, host, files);
        return service.reload(host, written);
    }

    /** Runs the checker of each file that has one, on the host; returns the names of the checks run. */
    static List<String> check(Deployment deployment, dev.scaleup.topology.Host host, List<RenderedFile> files) {
        HostPaths paths = deployment.paths(host);
        Tools tools = deployment.tools();
        List<String> checked = new ArrayList<>();
        for (RenderedFile file : files) {
            Optional<List<String>> command = ConfigCheck.command(file, paths,
                    program -> program.equals("postgres") ? tools.pg(program).toString() : program);
            if (command.isEmpty()) {
                continue;
            }
            Exec.Result result = deployment.target().exec(host, command.get(), Duration.ofSeconds(30));
            if (!result.ok() && !ConfigCheck.acceptable(file.name(), result.stdout() + result.stderr())) {
                // the running process keeps its old config; without the file the next run renders and checks again
                try {
                    Files.deleteIfExists(paths.conf(file.name()));
                } catch (IOException ignored) {
                    // the message below matters more
                }
                throw new OperatorException(host.name() + ": " + file.name() + " was rejected by `" + String.join(" ", command.get())
                        + "`:\n" + (result.stderr() + result.stdout()).strip());
            }
            checked.add(label(command.get()));
        }
        return checked;
    }

    /** "haproxy -c", "postgres -C": the checking program and its first option, past any runuser prefix. */
    static String label(List<String> command) {
        int start = command.indexOf("--") >= 0 && command.get(0).endsWith("runuser") ? command.indexOf("--") + 1 : 0;
        String program = command.get(start);
        return program.substring(program.lastIndexOf('/') + 1) + " " + command.get(start + 1);
    }
}
