package dev.scaleup.cli;

import dev.scaleup.ops.Deployment;
import dev.scaleup.ops.OperatorException;
import dev.scaleup.runtime.StateDir;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every command takes: where the deployment's state lives. */
final class CommonOptions {

    @Option(names = {"-s", "--state-dir"}, paramLabel = "DIR",
            description = "State directory of the deployment (default: $SCALEUP_STATE_DIR, else .scaleup in the repository).")
    Path stateDir;

    /** The repository root: $SCALEUP_HOME (set by the ./scaleup launcher), else the working directory. */
    static Path repoRoot() {
        String home = System.getenv("SCALEUP_HOME");
        return Path.of(home == null || home.isBlank() ? "." : home).toAbsolutePath().normalize();
    }

    StateDir state() {
        if (stateDir != null) {
            return new StateDir(stateDir);
        }
        String env = System.getenv("SCALEUP_STATE_DIR");
        return new StateDir(env == null || env.isBlank() ? repoRoot().resolve(".scaleup") : Path.of(env));
    }

    /** The deployment running in the state directory: the one place the CLI opens it; refused when there is none. */
    Deployment deployment() {
        return Deployment.open(state(), repoRoot());
    }

    static void requireRoot() {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new OperatorException("this command makes network namespaces and must run as root (try sudo)");
        }
    }
}
