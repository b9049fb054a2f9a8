package dev.scaleup.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleup.runtime.Exec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The app's build installed under its hash, and the bundle servers receive (a real tar; AotCacheIT trains for real). */
class AppArtifactTest {

    @Test
    void theBundleHoldsTheAppAndItsRuntimeUnderFixedNamesAndIsMadeOncePerRelease(@TempDir Path tmp) throws Exception {
        Path build = Files.createDirectories(tmp.resolve("build/lib"));
        Files.writeString(tmp.resolve("build/app.jar"), "jar");
        Files.writeString(build.resolve("dep.jar"), "dep");
        Path runtime = runtime(tmp, "25.0.3");
        Path artifacts = tmp.resolve("state/artifacts");

        Path installed = AppArtifact.install(tmp.resolve("build"), artifacts);
        List<String> trained = new java.util.ArrayList<>();
        AppArtifact.Trainer trainer = (java, jar, out) -> {
            trained.add(java + " " + jar);
            try {
                Files.writeString(out, "cache of " + jar);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        AppArtifact.Bundle bundle = AppArtifact.bundle(installed, runtime, artifacts, trainer);

        assertThat(bundle.release()).matches("app-[0-9a-f]{12}-rt[0-9a-f]{12}").startsWith(installed.getFileName() + "-rt");
        assertThat(bundle.archive()).isEqualTo(artifacts.resolve("bundles/" + bundle.release() + ".tar.gz"));
        List<String> members = Arrays.stream(Exec.run(List.of("tar", "--list", "--gzip", "--file", bundle.archive().toString()))
                .orThrow().stdout().split("\n")).filter(m -> !m.endsWith("/")).toList();
        assertThat(members).containsExactly("app/app.jar", "app/lib/dep.jar", "app/app.aot", "runtime/bin/java",
                "runtime/release");
        assertThat(bundle.aotCache()).isTrue();
        assertThat(trained).as("trained on the installed build with the bundle's runtime").containsExactly(runtime + " " + installed.resolve("app.jar"));
        assertThat(Exec.run(List.of("tar", "--extract", "--gzip", "--to-stdout", "--file", bundle.archive().toString(),
                "app/app.aot")).orThrow().stdout()).isEqualTo("cache of " + installed.resolve("app.jar"));
        try (var left = Files.list(artifacts.resolve("bundles"))) {
            assertThat(left.map(p -> p.getFileName().toString())).as("no staging left").containsExactly(bundle.release() + ".tar.gz");
        }

        Files.setLastModifiedTime(bundle.archive(), FileTime.fromMillis(0));
        assertThat(AppArtifact.bundle(installed, runtime, artifacts, trainer)).isEqualTo(bundle);
        assertThat(trained).as("trained once per release").hasSize(1);
        assertThat(Files.getLastModifiedTime(bundle.archive()).toMillis()).as("made once, not again").isZero();

        Files.writeString(runtime.resolve("bin/java"), "another java");
        AppArtifact.Bundle rebuilt = AppArtifact.bundle(installed, runtime, artifacts, trainer);
        assertThat(rebuilt.release()).isNotEqualTo(bundle.release()).startsWith(installed.getFileName() + "-rt");
        assertThat(rebuilt.archive()).exists();
    }

    @Test
    void aRuntimeOlderThanJdk25MakesABundleWithoutCache(@TempDir Path tmp) throws Exception {
        Files.createDirectories(tmp.resolve("build"));
        Files.writeString(tmp.resolve("build/app.jar"), "jar");
        Path runtime = runtime(tmp, "21.0.9");
        Path artifacts = tmp.resolve("state/artifacts");
        Path installed = AppArtifact.install(tmp.resolve("build"), artifacts);

        AppArtifact.Bundle bundle = AppArtifact.bundle(installed, runtime, artifacts, (java, jar, out) -> {
            throw new AssertionError("no training on a JDK 21 runtime");
        });

        assertThat(bundle.aotCache()).isFalse();
        assertThat(Exec.run(List.of("tar", "--list", "--gzip", "--file", bundle.archive().toString())).orThrow().stdout())
                .contains("app/app.jar").doesNotContain("app.aot");
    }

    @Test
    void theRuntimesReleaseFileSaysWhetherItMakesAotCaches(@TempDir Path tmp) throws Exception {
        assertThat(AotCache.supported(tmp)).as("no release file").isFalse();
        for (String version : List.of("25", "25.0.3", "26-ea", "25.0.1+8")) {
            Files.writeString(tmp.resolve("release"), "IMPLEMENTOR=\"x\"\nJAVA_VERSION=\"" + version + "\"\n");
            assertThat(AotCache.supported(tmp)).as(version).isTrue();
        }
        for (String version : List.of("21.0.9", "24.0.2", "17.0.15", "")) {
            Files.writeString(tmp.resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
            assertThat(AotCache.supported(tmp)).as(version).isFalse();
        }
    }

    /** A stand-in for the jlink runtime: its java and the release file that names its version. */
    private static Path runtime(Path tmp, String javaVersion) throws java.io.IOException {
        Path runtime = Files.createDirectories(tmp.resolve("jlink/bin")).getParent();
        Files.writeString(runtime.resolve("bin/java"), "java");
        Files.writeString(runtime.resolve("release"), "JAVA_VERSION=\"" + javaVersion + "\"\n");
        return runtime;
    }

    @Test
    void installKeepsTheFilesModificationTimesWhichAnAotCacheIsCheckedAgainst(@TempDir Path tmp) throws Exception {
        Path build = Files.createDirectories(tmp.resolve("build/lib"));
        Files.writeString(tmp.resolve("build/app.jar"), "jar");
        Files.writeString(build.resolve("a-1.jar"), "a");
        FileTime then = FileTime.fromMillis(1_700_000_000_000L);
        Files.setLastModifiedTime(tmp.resolve("build/app.jar"), then);
        Files.setLastModifiedTime(build.resolve("a-1.jar"), then);
        Path installed = AppArtifact.install(tmp.resolve("build"), tmp.resolve("artifacts"));
        assertThat(Files.getLastModifiedTime(installed.resolve("app.jar"))).isEqualTo(then);
        assertThat(Files.getLastModifiedTime(installed.resolve("lib/a-1.jar"))).isEqualTo(then);
    }

    /** On netns: a cache made once per build and JDK is copied into each deployment's artifact (AotCacheIT trains). */
    @Test
    void theBuildsAotCacheIsCopiedIntoTheArtifactOnceAndOnlyForJdk25(@TempDir Path tmp) throws Exception {
        Path artifact = Files.createDirectories(tmp.resolve("state/artifacts/app-abc"));
        Files.writeString(artifact.resolve("app.jar"), "jar");
        Path cacheDir = Files.createDirectories(tmp.resolve("repo/app/target/aot"));
        Files.writeString(cacheDir.resolve("app-abc-jdk25.0.1.aot"), "cache");

        Path jdk21 = runtime(tmp.resolve("21"), "21.0.9");
        assertThat(AppArtifact.ensureAotCache(artifact, jdk21, cacheDir)).isNull();
        assertThat(artifact.resolve(AotCache.FILE)).doesNotExist();

        Path jdk25 = runtime(tmp.resolve("25"), "25.0.1");
        assertThat(AppArtifact.ensureAotCache(artifact, jdk25, cacheDir)).startsWith("copied the app's AOT cache for app-abc");
        assertThat(artifact.resolve(AotCache.FILE)).hasContent("cache");
        assertThat(artifact.resolve(AotCache.FILE + ".tmp")).doesNotExist();
        assertThat(AppArtifact.ensureAotCache(artifact, jdk25, cacheDir)).as("it has one already").isNull();
        assertThat(AppArtifact.aotCacheDir(tmp.resolve("repo"))).isEqualTo(tmp.resolve("repo/app/target/aot"));
    }

    @Test
    void anUnbuiltAppIsAClearRefusal(@TempDir Path tmp) {
        assertThatThrownBy(() -> AppArtifact.install(tmp, tmp.resolve("artifacts")))
                .hasMessageContaining("the app is not built").hasMessageContaining("app.jar is missing");
    }
}
