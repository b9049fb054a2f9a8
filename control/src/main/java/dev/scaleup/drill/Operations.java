package dev.scaleup.drill;

import dev.scaleup.ops.Deploy;
import dev.scaleup.ops.Deployment;
import dev.scaleup.ops.OperatorException;
import dev.scaleup.ops.Progress;
import dev.scaleup.ops.RefusedException;
import dev.scaleup.ops.Restart;
import dev.scaleup.ops.Scale;
import dev.scaleup.ops.Status;
import dev.scaleup.runtime.StateDir;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The operations a drill runs under load in place of a fault: the same code paths as {@code scaleup scale},
 * {@code deploy} and {@code restart} (each takes the operation lock itself; the drill never holds it). Each returns a
 * sentence saying what it did.
 */
final class Operations {

    private final Progress progress;
    /** deploy-bad-artifact: the build the app hosts ran before; null until the deploy was tried. */
    private Path previousBuild;
    private boolean deployFailed;

    Operations(Progress progress) {
        this.progress = progress;
    }

    /** scale-in takes one web and one app host away and needs one of each left. */
    static void requireScaleIn(Topology topology) {
        if (topology.web().count() < 2 || topology.app().count() < 2) {
            throw new RefusedException("scale-in needs at least 2 web and 2 app hosts to take one of each away, the "
                    + "stack has web=" + topology.web().count() + " app=" + topology.app().count()
                    + " (`scaleup scale web=2 app=2` first)");
        }
    }

    static String target(Scenario scenario) {
        return switch (scenario) {
            case SCALE_OUT, SCALE_IN -> "web and app tiers";
            case DEPLOY, DEPLOY_BAD_ARTIFACT -> "app tier";
            case RESTART_LB -> "lb tier";
            case RESTART_WEB -> "web tier";
            case RESTART_DB -> "db tier";
            default -> throw new IllegalArgumentException(scenario.label() + " is not an operation");
        };
    }

    /** Runs the operation to its end (the load keeps running meanwhile). */
    String run(Scenario scenario, Deployment deployment) throws IOException {
        StateDir state = deployment.state();
        Path repo = deployment.repoRoot();
        Topology t = deployment.topology();
        return switch (scenario) {
            case SCALE_OUT -> scale(state, repo, t.web().count() + 1, t.app().count() + 1);
            case SCALE_IN -> scale(state, repo, t.web().count() - 1, t.app().count() - 1);
            case DEPLOY -> deployNewBuild(deployment);
            case DEPLOY_BAD_ARTIFACT -> deployCorruptBuild(deployment);
            case RESTART_LB -> restart(state, repo, "lb");
            case RESTART_WEB -> restart(state, repo, "web");
            case RESTART_DB -> restart(state, repo, "db");
            default -> throw new IllegalArgumentException(scenario.label() + " is not an operation");
        };
    }

    /** What undoes the operation so that the stack keeps its shape (scale back), or nothing. */
    Callable<String> undo(Scenario scenario, Deployment deployment, Topology original) {
        return switch (scenario) {
            case SCALE_OUT, SCALE_IN -> () -> scale(deployment.state(), deployment.repoRoot(), original.web().count(),
                    original.app().count());
            default -> () -> "none";
        };
    }

    private String scale(StateDir state, Path repo, int web, int app) {
        long begin = System.nanoTime();
        Scale.run(state, repo, Map.of("web", web, "app", app), progress);
        return String.format(java.util.Locale.ROOT, "scaled to web=%d app=%d in %.1f s", web, app,
                (System.nanoTime() - begin) / 1e9);
    }

    private String restart(StateDir state, Path repo, String tier) {
        long begin = System.nanoTime();
        Restart.run(state, repo, tier, progress);
        return String.format(java.util.Locale.ROOT, "restarted the %s tier in %.1f s", tier,
                (System.nanoTime() - begin) / 1e9);
    }

    /** The current build with one entry (VERSION) added to app.jar, so its hash differs. */
    private String deployNewBuild(Deployment deployment) throws IOException {
        Path current = deployment.appArtifact();
        Path dir = Files.createTempDirectory("scaleup-drill-build");
        try {
            copyLib(current, dir);
            String version = "drill " + Instant.now() + "\n";
            withEntry(current.resolve("app.jar"), dir.resolve("app.jar"), "VERSION",
                    version.getBytes(StandardCharsets.UTF_8));
            long begin = System.nanoTime();
            Deploy.run(deployment.state(), deployment.repoRoot(), dir, 1, progress);
            return String.format(java.util.Locale.ROOT, "deployed a new build (%s + VERSION) in %.1f s: app hosts run %s",
                    current.getFileName(), (System.nanoTime() - begin) / 1e9, deployment.appArtifact().getFileName());
        } finally {
            StateDir.deleteTree(dir);
        }
    }

    /** A build whose app.jar is garbage: the deploy must fail its health gate and roll back. */
    private String deployCorruptBuild(Deployment deployment) throws IOException {
        previousBuild = deployment.appArtifact();
        deployFailed = false;
        Path dir = Files.createTempDirectory("scaleup-drill-bad-build");
        try {
            copyLib(previousBuild, dir);
            byte[] garbage = new byte[64 * 1024];
            new SecureRandom().nextBytes(garbage);
            Files.write(dir.resolve("app.jar"), garbage);
            long begin = System.nanoTime();
            try {
                Deploy.run(deployment.state(), deployment.repoRoot(), dir, 1, progress);
            } catch (RefusedException e) {
                throw e;
            } catch (OperatorException e) {
                deployFailed = true;
                return String.format(java.util.Locale.ROOT, "the deploy failed as it must, in %.1f s: %s",
                        (System.nanoTime() - begin) / 1e9, e.getMessage().lines().findFirst().orElse(""));
            }
            return String.format(java.util.Locale.ROOT, "the deploy of a corrupt build SUCCEEDED in %.1f s",
                    (System.nanoTime() - begin) / 1e9);
        } finally {
            StateDir.deleteTree(dir);
        }
    }

    /** deploy-bad-artifact: the deploy failed, and every app host runs the previous build and is healthy. */
    boolean rolledBack(Deployment deployment, Status.Report status) {
        if (!deployFailed || previousBuild == null) {
            return false;
        }
        List<String> wrong = new ArrayList<>();
        for (Host app : deployment.topology().hosts(Role.APP)) {
            if (!deployment.appArtifact(app).equals(previousBuild)) {
                wrong.add(app.name() + " runs " + deployment.appArtifact(app).getFileName());
            }
        }
        boolean healthy = status.hosts().stream().filter(h -> h.host().role() == Role.APP)
                .allMatch(Status.HostStatus::healthy);
        if (!wrong.isEmpty() || !healthy || !deployment.appArtifact().equals(previousBuild)) {
            progress.step("deploy-bad-artifact: not rolled back: " + String.join(", ", wrong)
                    + (healthy ? "" : "; an app host is unhealthy") + "; the deployment's build is "
                    + deployment.appArtifact().getFileName() + ", was " + previousBuild.getFileName());
            return false;
        }
        progress.step("deploy-bad-artifact: every app host runs " + previousBuild.getFileName() + " again, healthy");
        return true;
    }

    private static void copyLib(Path build, Path dir) throws IOException {
        Path lib = build.resolve("lib");
        if (!Files.isDirectory(lib)) {
            return;
        }
        Files.createDirectories(dir.resolve("lib"));
        try (Stream<Path> jars = Files.list(lib)) {
            for (Path jar : jars.toList()) {
                Files.copy(jar, dir.resolve("lib").resolve(jar.getFileName()));
            }
        }
    }

    /** Copies a jar entry by entry (order kept, the manifest first) and adds one entry at the end. */
    static void withEntry(Path from, Path to, String name, byte[] content) {
        try (ZipFile in = new ZipFile(from.toFile());
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(to))) {
            Enumeration<? extends ZipEntry> entries = in.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (e.getName().equals(name)) {
                    continue;
                }
                ZipEntry copy = new ZipEntry(e.getName());
                copy.setTime(e.getTime());
                out.putNextEntry(copy);
                if (!e.isDirectory()) {
                    try (InputStream data = in.getInputStream(e)) {
                        data.transferTo(out);
                    }
                }
                out.closeEntry();
            }
            out.putNextEntry(new ZipEntry(name));
            out.write(content);
            out.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + to, e);
        }
    }
}
