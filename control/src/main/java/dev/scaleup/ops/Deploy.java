package dev.scaleup.ops;

import dev.scaleup.runtime.StateDir;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A rolling update of the app tier to a new build, a batch at a time, through {@link AppRollout}: a host that fails
 * its health gate goes back to the previous build and the deploy stops with the reason. One operation at a time
 * (the operation lock); every step goes to the audit trail.
 */
public final class Deploy {

    private Deploy() {
    }

    /**
     * @param artifact app.jar (its lib/ beside it) or a directory holding both; null for the repository's build
     */
    public static void run(StateDir state, Path repoRoot, Path artifact, int batch, Progress progress) {
        if (!state.exists()) {
            throw new OperatorException("no deployment at " + state.path() + " (run `scaleup up`)");
        }
        if (batch < 1) {
            throw new RefusedException("deploy: --batch must be at least 1, got " + batch);
        }
        Path buildDir = artifact == null ? AppArtifact.buildDir(repoRoot)
                : Files.isDirectory(artifact) ? artifact : artifact.toAbsolutePath().getParent();
        if (artifact != null && !Files.isDirectory(artifact) && !artifact.getFileName().toString().equals("app.jar")) {
            throw new RefusedException("deploy: --artifact must name an app.jar (with its lib/ beside it) or a directory"
                    + " holding them, got " + artifact);
        }
        try (Operation op = Operation.begin(state, repoRoot, "deploy", progress)) {
            Deployment deployment = op.deployment();
            Path build = AppArtifact.install(buildDir, state.artifacts());
            Path previous = deployment.appArtifact();
            List<Host> apps = deployment.topology().hosts(Role.APP);
            List<Host> outdated = apps.stream().filter(h -> !deployment.appArtifact(h).equals(build)).toList();
            if (outdated.isEmpty()) {
                op.say("nothing to do: every app host runs " + build.getFileName());
                return;
            }
            op.step("app " + previous.getFileName() + " -> " + build.getFileName() + " on "
                    + String.join(", ", outdated.stream().map(Host::name).toList()) + ", " + batch + " at a time");
            try {
                if (deployment.topology().onServers()) {
                    new AnsibleDeploy(op).run(outdated, batch, build);
                } else {
                    new AppRollout(op).restart(outdated, batch, build, previous);
                }
            } catch (RuntimeException e) {
                throw op.failed("deploy stopped: ", e);
            }
            deployment.useAppArtifact(build);
            op.step(String.format("done in %.1f s: %d app hosts run %s", op.elapsedSeconds(), outdated.size(),
                    build.getFileName()));
        }
    }
}
