package dev.scaleup.ops;

import dev.scaleup.render.ConfigCheck;
import dev.scaleup.render.HostPaths;
import dev.scaleup.render.RenderedFile;
import dev.scaleup.runtime.Exec;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Writes rendered files into a host's conf directory (only when they changed) and runs each one's checker. */
final class ConfigFiles {

    private ConfigFiles() {
    }

    /** Writes the files that differ from what the host has, through its target; returns their names. */
    static List<String> write(Deployment deployment, dev.scaleup.topology.Host host, List<RenderedFile> files) {
        return deployment.target().writeConfigs(host, files);
    }

    /**
     * Renders the host's files again; when any changed, prepares the host (file owners) and, if its first process
     * runs, checks them and reloads it. Returns the reload's sentence, or null when nothing changed or nothing runs.
     */
    static String refresh(Deployment deployment, dev.scaleup.topology.Host host) {
        HostService service = deployment.services().of(host.role());
        List<RenderedFile> files = deployment.render(host);
        List<String> written = write(deployment, host, files);
        if (written.isEmpty()) {
            return null;
        }
        if (!deployment.topology().onServers()) {
            service.prepare(host); // file owners; on servers a replaced file keeps its own
        }
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
                // the running process keeps its old config; without the file the next run renders and checks again.
                // On a server the file stays (made anew it would lack the owner the playbook gave it): the next run
                // applies it again, since it is not recorded as applied (AnsibleProvisioner.reconfigure)
                if (!deployment.topology().onServers()) {
                    try {
                        Files.deleteIfExists(paths.conf(file.name()));
                    } catch (IOException ignored) {
                        // the message below matters more
                    }
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
