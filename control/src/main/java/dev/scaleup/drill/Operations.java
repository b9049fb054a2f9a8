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

    String scale(Deployment deployment, int web, int app) {
        long begin = System.nanoTime();
        Scale.run(deployment.state(), deployment.repoRoot(), Map.of("web", web, "app", app), progress);
        return String.format(java.util.Locale.ROOT, "scaled to web=%d app=%d in %.1f s", web, app,
                (System.nanoTime() - begin) / 1e9);
    }

    String restart(Deployment deployment, String tier) {
        long begin = System.nanoTime();
        Restart.run(deployment.state(), deployment.repoRoot(), tier, progress);
        return String.format(java.util.Locale.ROOT, "restarted the %s tier in %.1f s", tier,
                (System.nanoTime() - begin) / 1e9);
    }

    /** The current build with one entry (VERSION) added to app.jar, so its hash differs. */
    String deployNewBuild(Deployment deployment) throws IOException {
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
    String deployCorruptBuild(Deployment deployment) throws IOException {
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
