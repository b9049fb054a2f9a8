package dev.scaleup.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An operator's Ctrl-C or a SIGKILL in the middle of an operation: the CLI runs in a process of its own and is
 * killed (SIGKILL) right after it printed a given step; then status must call the stack degraded and say why, and the
 * next {@code up} must mend what the operation left half done, so that every host serves again and nothing stays
 * drained.
 */
class InterruptedOperationsIT {

    @RegisterExtension
    static final TestStack STACK = TestStack.SCIT;

    @BeforeEach
    void theStackIsHealthy() throws IOException {
        Cli.Run status = STACK.cli("status");
        assertThat(status.exitCode()).as("healthy before the test:\n" + status.out()).isZero();
    }

    @Test
    void aDeployKilledWithAnAppHostDrainedIsMendedByUpAndFinishedByDeployingAgain() throws Exception {
        Path build = otherBuild();
        List<String> seen = runAndKill("drained app1 in every nginx upstream", "deploy", "app", "--artifact", build.toString());
        assertThat(seen).anyMatch(l -> l.contains("drained app1 in every nginx upstream"));

        JsonNode degraded = degradedStatus();
        assertThat(degraded.toString()).contains("an interrupted `deploy`").contains("app1 drained in nginx");

        mendedByUp("undrained app1 in every nginx upstream");
        Cli.Run again = STACK.cli("deploy", "app", "--artifact", build.toString());
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).contains("app hosts run " + "app-");
        assertWhole();
    }

    @Test
    void aRestartOfAWebHostKilledWhileItIsDrainedInHaproxyIsMendedByUp() throws Exception {
        runAndKill("drained web1 in HAProxy", "restart", "web1");
        assertThat(degradedStatus().toString()).contains("an interrupted `restart web1`")
                .contains("web1 drained in HAProxy on lb1");
        mendedByUp("web1 ready again in HAProxy");
        assertWhole();
    }

    @Test
    void aScaleInKilledAfterItDrainedAWebHostLeavesTheStackAsItWasAfterUp() throws Exception {
        runAndKill("drained web2 in HAProxy", "scale", "web=1");
        assertThat(degradedStatus().toString()).contains("an interrupted `scale`").contains("web2 drained in HAProxy");
        mendedByUp("web2 ready again in HAProxy");
        assertThat(STACK.status().path("hosts").toString()).contains("\"web2\"");
        assertWhole();
    }

    @Test
    void aScaleOutKilledAfterItMadeAHostLeavesNoStrayHostAfterUp() throws Exception {
        runAndKill("web3: created namespace", "scale", "web=3");
        assertThat(namespaces()).contains(STACK.topology().name() + "-web3");
        assertThat(degradedStatus().toString()).contains("an interrupted `scale`");
        mendedByUp("web3: removed (namespace " + STACK.topology().name() + "-web3 and its files), a host the topology does not name");
        assertThat(namespaces()).doesNotContain(STACK.topology().name() + "-web3");
        assertWhole();
    }

    /** The repository's app build with one more jar in lib/: another build (another hash) that runs the same. */
    private static Path otherBuild() throws IOException {
        Path repoBuild = RootOnly.repoRoot().resolve("app/target");
        Path build = STACK.work().resolve("other-build");
        boolean current = Files.exists(build.resolve("app.jar"))
                && Files.mismatch(build.resolve("app.jar"), repoBuild.resolve("app.jar")) == -1;
        if (!current) {
            // made from this build of the app (a copy of an older build, left in target/, would be another program)
            dev.scaleup.runtime.StateDir.deleteTree(build);
            Files.createDirectories(build.resolve("lib"));
            Files.copy(repoBuild.resolve("app.jar"), build.resolve("app.jar"));
            try (var jars = Files.list(repoBuild.resolve("lib"))) {
                for (Path jar : (Iterable<Path>) jars::iterator) {
                    Files.copy(jar, build.resolve("lib").resolve(jar.getFileName()));
                }
            }
            // not on the app's class path (its manifest names its jars): only the build's hash changes
            try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(build.resolve("lib/zz-marker.jar")))) {
                out.putNextEntry(new java.util.zip.ZipEntry("marker.txt"));
                out.write("another build\n".getBytes(StandardCharsets.UTF_8));
            }
        }
        return build;
    }

    /**
     * Runs the CLI in a process of its own on the stack and SIGKILLs it as soon as it printed a line containing
     * {@code trigger}; returns the lines it printed.
     */
    private static List<String> runAndKill(String trigger, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-jar", RootOnly.repoRoot().resolve("control/target/scaleup.jar").toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("--state-dir", STACK.state().toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("SCALEUP_HOME", RootOnly.repoRoot().toString());
        Process cli = builder.start();
        List<String> lines = new ArrayList<>();
        boolean killed = false;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(cli.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                System.out.println("[killed cli] " + line);
                lines.add(line);
                if (line.contains(trigger)) {
                    cli.destroyForcibly(); // SIGKILL: no finally block, no shutdown hook runs
                    killed = true;
                    break;
                }
            }
        } finally {
            if (!cli.waitFor(30, TimeUnit.SECONDS)) {
                cli.destroyForcibly();
            }
        }
        assertThat(killed).as("the CLI printed '" + trigger + "' before it ended:\n" + String.join("\n", lines)).isTrue();
        assertThat(cli.exitValue()).as("killed by SIGKILL").isEqualTo(137);
        return lines;
    }

    /** status exits 3 and its JSON names what is degraded; returns that list. */
    private static JsonNode degradedStatus() throws IOException {
        Cli.Run status = STACK.cli("status", "--json");
        assertThat(status.exitCode()).as("status after the kill:\n" + status.out()).isEqualTo(3);
        JsonNode degraded = TestStack.JSON.readTree(status.out()).path("degraded");
        assertThat(degraded.isArray() && !degraded.isEmpty()).as("degraded: " + degraded).isTrue();
        return degraded;
    }

    private static void mendedByUp(String repair) {
        Cli.Run up = STACK.cli("up");
        assertThat(up.exitCode()).as("up after the kill:\n" + up.out() + up.err()).isZero();
        assertThat(up.out()).contains("did not finish; mending what it may have left half done").contains(repair);
    }

    /** Every host healthy, nothing drained, no journal: the stack is whole. */
    private static void assertWhole() throws IOException, InterruptedException {
        JsonNode status = STACK.status();
        assertThat(status.path("healthy").asBoolean()).as(status.toPrettyString()).isTrue();
        assertThat(status.path("degraded")).as("degraded").isEmpty();
        for (JsonNode host : status.path("hosts")) {
            if (host.has("drained")) {
                assertThat(host.path("drained")).as(host.path("name") + " drained").isEmpty();
            }
        }
        assertThat(STACK.real().resolve("operation.journal")).doesNotExist();
        Path drained = STACK.real().resolve("drained-apps");
        assertThat(!Files.exists(drained) || Files.readString(drained).isBlank()).as("drained-apps empty").isTrue();
        assertThat(STACK.get("/api/info").statusCode()).isEqualTo(200);
    }

    private static String namespaces() {
        return dev.scaleup.runtime.Exec.run(List.of("ip", "netns", "list")).stdout();
    }
}
