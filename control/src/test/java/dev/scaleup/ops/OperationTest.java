package dev.scaleup.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleup.runtime.StateDir;
import dev.scaleup.topology.TopologyLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The frame of an operation on a deployment's state directory (no hosts: nothing here reaches one). */
class OperationTest {

    @TempDir
    Path dir;

    /** Traversable by others, so the state directory is made in place and not under /var/lib/scaleup. */
    @org.junit.jupiter.api.BeforeEach
    void openTheTemporaryDirectory() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private StateDir deployment() throws Exception {
        StateDir state = new StateDir(dir.resolve("state"));
        state.create();
        Files.createDirectories(dir.resolve("site"));
        TopologyStore.save(TopologyLoader.defaults(dir), state.topologyFile());
        state.createSecrets();
        return state;
    }

    @Test
    void anOperationOnNoDeploymentIsRefusedWithTheWayOut() {
        StateDir none = new StateDir(dir.resolve("none"));
        assertThatThrownBy(() -> Operation.begin(none, dir, "deploy", Progress.silent()))
                .isInstanceOf(OperatorException.class).hasMessageContaining("no deployment at")
                .hasMessageContaining("run `scaleup up`");
    }

    @Test
    void aSecondOperationIsRefusedAtOnceNamingTheHolderAndItsCommand() throws Exception {
        StateDir state = deployment();
        try (Operation first = Operation.begin(state, dir, "deploy", Progress.silent())) {
            assertThatThrownBy(() -> Operation.begin(state, dir, "scale", Progress.silent()))
                    .isInstanceOf(OperatorException.class)
                    .hasMessageContaining("another operation is running on this deployment (deploy by pid "
                            + ProcessHandle.current().pid() + ")");
        }
        try (Operation second = Operation.begin(state, dir, "scale", Progress.silent())) {
            assertThat(second.deployment().topology().name()).isEqualTo("scaleup");
        }
    }

    @Test
    void upAndDownAreRefusedWhileAnotherOperationRunsAndChangeNothing() throws Exception {
        StateDir state = deployment();
        try {
            Tools.find(); // up names a missing program before it looks at the lock
        } catch (OperatorException missing) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw missing;
            }
            org.junit.jupiter.api.Assumptions.abort(missing.getMessage());
        }
        String topology = Files.readString(state.topologyFile());
        try (Operation deploy = Operation.begin(state, dir, "deploy", Progress.silent())) {
            String holder = "another operation is running on this deployment (deploy by pid " + ProcessHandle.current().pid();
            assertThatThrownBy(() -> Down.run(state, dir, false, Progress.silent())).hasMessageContaining(holder);
            assertThatThrownBy(() -> Up.run(TopologyLoader.defaults(dir), state, dir, Progress.silent()))
                    .hasMessageContaining(holder);
        }
        assertThat(state.topologyFile()).as("down removed nothing").exists();
        assertThat(Files.readString(state.topologyFile())).as("up saved nothing").isEqualTo(topology);
    }

    @Test
    void stepsGoToProgressTheLogAndTheAuditTrailAndTheJournalLivesAsLongAsTheOperation() throws Exception {
        StateDir state = deployment();
        Progress progress = Progress.silent();
        try (Operation op = Operation.begin(state, dir, "restart web", progress)) {
            assertThat(Journal.read(state)).get().satisfies(j -> {
                assertThat(j.operation()).isEqualTo("restart web");
                assertThat(j.inProgress()).isTrue();
            });
            op.step("web1: back in HAProxy");
            op.say("nothing to do");
        }
        assertThat(Journal.read(state)).isEmpty();
        assertThat(progress.sentences()).containsExactly("web1: back in HAProxy", "nothing to do");
        assertThat(Files.readString(state.log())).contains("web1: back in HAProxy").contains("nothing to do");
        List<String> history = History.read(state.historyFile());
        assertThat(history).hasSize(1);
        assertThat(history.get(0)).endsWith("restart web: web1: back in HAProxy");
    }

    @Test
    void aFailureIsAuditedByItsFirstLineAndWrapped() throws Exception {
        StateDir state = deployment();
        OperatorException wrapped;
        try (Operation op = Operation.begin(state, dir, "deploy", Progress.silent())) {
            wrapped = op.failed("deploy stopped: ", new IllegalStateException("app1 failed its gate\n--- log ---"));
        }
        assertThat(wrapped).hasMessage("deploy stopped: app1 failed its gate\n--- log ---");
        assertThat(History.read(state.historyFile())).singleElement().asString()
                .endsWith("deploy: failed: app1 failed its gate");
    }

    @Test
    void aJournalLeftByADeadProcessIsReportedAsInterruptedByStatus() throws Exception {
        StateDir state = deployment();
        new Journal("deploy", Long.MAX_VALUE / 2, "never", java.time.Instant.parse("2026-11-30T01:00:00Z")).write(state);
        Journal left = Journal.read(state).orElseThrow();
        assertThat(left.inProgress()).isFalse();
        assertThat(left.describe()).isEqualTo("an interrupted `deploy` (pid " + Long.MAX_VALUE / 2
                + ", begun 2026-11-30T01:00:00Z)");
        assertThat(Status.degraded(Journal.read(state), java.util.Set.of("app2"), List.of()))
                .containsExactly(left.describe() + " did not finish; the next command (`scaleup up`) mends what it left",
                        "app2 drained in nginx");
    }

    @Test
    void drainsDuringAnOperationUnderWayAreSaidToBeItsAndAnUnreadableJournalCountsAsInterrupted() throws Exception {
        StateDir state = deployment();
        Journal.now("deploy").write(state);
        assertThat(Status.degraded(Journal.read(state), java.util.Set.of("app1"), List.of()))
                .containsExactly("app1 drained in nginx (by the `deploy` under way)");
        Files.writeString(state.journalFile(), "pid=not-a-number\n");
        assertThat(Journal.read(state)).get().satisfies(j -> assertThat(j.inProgress()).isFalse());
        assertThat(Status.degraded(java.util.Optional.empty(), java.util.Set.of(), List.of())).isEmpty();
    }
}
