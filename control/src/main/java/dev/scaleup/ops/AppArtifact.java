package dev.scaleup.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The build of the application that app hosts run: app.jar and its lib/ copied into the state directory under a
 * name made of their hash, so rebuilding the repository never changes the jar under a running server.
 */
public final class AppArtifact {

    private AppArtifact() {
    }

    /** The build output of the app module: {@code app/target/app.jar} and {@code app/target/lib/}. */
    public static Path buildDir(Path repoRoot) {
        return repoRoot.resolve("app/target");
    }

    /**
     * The first up installs the repository's build; later builds arrive by {@code scaleup deploy}, never by up behind
     * a running app tier's back. Returns a sentence, or null when the deployment has its build.
     */
    static String ensureInstalled(Deployment deployment) {
        if (Files.exists(deployment.appArtifact().resolve("app.jar"))) {
            return null;
        }
        Path artifact = install(buildDir(deployment.repoRoot()), deployment.state().artifacts());
        deployment.useAppArtifact(artifact);
        return "installed the app build " + artifact.getFileName();
    }

    /**
     * On netns the app servers run the control's own JDK, with the installed build's AOT cache ({@code
     * <artifact>/app.aot}, {@link AotCache}) when there is one: their JVMs start with about 40 % less CPU (4.7-5.5 s of
     * CPU to listen without, 3.0-3.3 s with). Training one took 15 s here without a database and 21.6 s with
     * its throwaway database (beside the database tier's start), much of it the JVM writing the 41-45 MB cache as it
     * exits, so it is made once per build and JDK into {@code cacheDir} (the repository's
     * {@code app/target/aot/}, gone with {@code mvn clean}) and copied into each deployment's artifact: the JVM takes
     * a cache made for the same jars at another path, as long as their modification times are the same (install keeps
     * them). Returns a sentence, or null when there was nothing to do (a JDK older than 25 makes none). A failed
     * training is said and is no failure: the app servers then start without the cache, only slower.
     */
    static String ensureAotCache(Path artifact, Path javaHome, Path cacheDir) {
        Path target = artifact.resolve(AotCache.FILE);
        if (Files.isRegularFile(target) || !AotCache.supported(javaHome)) {
            return null;
        }
        long start = System.nanoTime();
        try {
            Path cache = cacheDir.resolve(artifact.getFileName() + "-jdk" + AotCache.version(javaHome) + ".aot");
            String how = "copied the app's AOT cache";
            if (!Files.isRegularFile(cache)) {
                Files.createDirectories(cacheDir);
                String with = AotCache.train(javaHome, artifact.resolve("app.jar"), cache);
                how = String.format(java.util.Locale.ROOT, "trained the app's AOT cache %s in %.1f s", with,
                        (System.nanoTime() - start) / 1e9);
            }
            Path tmp = artifact.resolve(AotCache.FILE + ".tmp");
            Files.copy(cache, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return how + " for " + artifact.getFileName() + " (" + cache + ")";
        } catch (IOException | RuntimeException e) {
            return "no AOT cache for the app (" + e.getMessage() + "); the app servers start without it";
        }
    }

    /** Where {@link #ensureAotCache} keeps the caches it trained: beside the repository's build. */
    public static Path aotCacheDir(Path repoRoot) {
        return buildDir(repoRoot).resolve("aot");
    }

    /** The Java runtime the app ships with to servers ({@code jlink}, built by the app module's package phase). */
    public static Path runtimeDir(Path repoRoot) {
        return buildDir(repoRoot).resolve("runtime");
    }

    /** Copies the build into {@code artifacts/app-HASH/} unless it is there; returns that directory. */
    public static Path install(Path buildDir, Path artifacts) {
        Path jar = buildDir.resolve("app.jar");
        if (!Files.isRegularFile(jar)) {
            throw new OperatorException("the app is not built: " + jar + " is missing (./scaleup builds it)");
        }
        try {
            List<Path> files = filesOf(buildDir);
            Path target = artifacts.resolve("app-" + hash(files, buildDir));
            if (!Files.isDirectory(target)) {
                Path tmp = Files.createDirectories(artifacts).resolve(target.getFileName() + ".tmp");
                for (Path file : files) {
                    Path dest = tmp.resolve(buildDir.relativize(file).toString());
                    Files.createDirectories(dest.getParent());
                    // with its modification time: the JVM checks it against the one an AOT cache was made with
                    Files.copy(file, dest, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                            java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
                Files.move(tmp, target);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install the app build into " + artifacts, e);
        }
    }

    /**
     * What an app server runs, as one archive: the installed build ({@code app/app.jar}, {@code app/lib/}), its AOT
     * cache for that runtime ({@code app/app.aot}, see {@link AotCache}; only from a JDK 25 runtime, {@code aotCache})
     * and the Java runtime it ships with ({@code runtime/}). Named after both hashes, so a server that has the release already is
     * told so by a checksum of one file, and made once per build: {@code artifacts/bundles/<release>.tar.gz}.
     */
    public record Bundle(Path archive, String release, boolean aotCache) {}

    /** The bundle of {@code artifact} (an installed build) with the runtime in {@code runtimeDir}; made when missing. */
    public static Bundle bundle(Path artifact, Path runtimeDir, Path artifacts) {
        return bundle(artifact, runtimeDir, artifacts, AotCache::train);
    }

    /** Makes the AOT cache of a jar for a runtime: {@link AotCache#train}, or a stand-in in tests of the archive. */
    @FunctionalInterface
    interface Trainer {
        void train(Path runtimeDir, Path jar, Path out);
    }

    static Bundle bundle(Path artifact, Path runtimeDir, Path artifacts, Trainer trainer) {
        try {
            List<Path> runtimeFiles;
            try (Stream<Path> walk = Files.walk(runtimeDir)) {
                runtimeFiles = walk.filter(Files::isRegularFile).sorted().toList();
            }
            String release = artifact.getFileName() + "-rt" + hash(runtimeFiles, runtimeDir);
            Path bundles = Files.createDirectories(artifacts.resolve("bundles"));
            Path archive = bundles.resolve(release + ".tar.gz");
            boolean aotCache = AotCache.supported(runtimeDir);
            if (!Files.isRegularFile(archive)) {
                // the AOT cache goes in as <artifact>/app.aot from a directory of its own, so the build stays as built
                Path stage = bundles.resolve(release + ".aot");
                Path cache = Files.createDirectories(stage.resolve(artifact.getFileName().toString())).resolve(AotCache.FILE);
                List<String> withCache = List.of();
                if (aotCache) {
                    trainer.train(runtimeDir, artifact.resolve("app.jar"), cache);
                    withCache = List.of("-C", stage.toAbsolutePath().toString(), artifact.getFileName() + "/" + AotCache.FILE);
                }
                Path tmp = bundles.resolve(release + ".tar.gz.tmp");
                List<String> tar = new java.util.ArrayList<>(List.of("tar", "--create", "--gzip", "--file", tmp.toString(),
                        "--sort=name", "--owner=0", "--group=0", "--numeric-owner",
                        "--transform", "s,^" + artifact.getFileName() + ",app,",
                        "-C", artifact.toAbsolutePath().getParent().toString(), artifact.getFileName().toString()));
                tar.addAll(withCache);
                tar.addAll(List.of("-C", runtimeDir.toAbsolutePath().getParent().toString(),
                        "--transform", "s,^" + runtimeDir.getFileName() + ",runtime,", runtimeDir.getFileName().toString()));
                dev.scaleup.runtime.Exec.run(tar, java.time.Duration.ofMinutes(5), null).orThrow();
                Files.move(tmp, archive, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.deleteIfExists(cache);
                Files.delete(cache.getParent());
                Files.delete(stage);
            }
            return new Bundle(archive, release, aotCache);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the app's bundle in " + artifacts, e);
        }
    }

    private static List<Path> filesOf(Path buildDir) throws IOException {
        List<Path> files = new java.util.ArrayList<>();
        files.add(buildDir.resolve("app.jar"));
        Path lib = buildDir.resolve("lib");
        if (Files.isDirectory(lib)) {
            try (Stream<Path> jars = Files.list(lib)) {
                jars.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(files::add);
            }
        }
        return files;
    }

    private static String hash(List<Path> files, Path base) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Path file : files) {
                digest.update(base.relativize(file).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
                    in.transferTo(java.io.OutputStream.nullOutputStream());
                }
            }
            return HexFormat.of().formatHex(digest.digest(), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
