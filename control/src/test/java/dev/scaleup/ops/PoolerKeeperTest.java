package dev.scaleup.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the keeper's script for real (bash), with a stand-in for PgBouncer: a bash that writes a line for each HUP and
 * otherwise waits. Checks that a child killed is started again, that HUP reaches the child, and that TERM stops both.
 */
class PoolerKeeperTest {

    @TempDir
    Path dir;

    private Process keeper;

    /** The stand-in: says "started", says "reload" on HUP, waits until TERM or KILL. */
    private static final String CHILD = "trap 'echo reload' HUP; trap 'echo stopping; exit 0' TERM; echo started; "
            + "while :; do sleep 0.2 & wait $!; done";

    private Path pidFile() {
        return dir.resolve("pgbouncer.pid");
    }

    private Path log() {
        return dir.resolve("pgbouncer.log");
    }

    private void startKeeper() throws IOException {
        startKeeper(CHILD);
    }

    private void startKeeper(String child) throws IOException {
        List<String> argv = new ArrayList<>(List.of(PoolerKeeper.SHELL, "-c", PoolerKeeper.SCRIPT, PoolerKeeper.PROCESS,
                pidFile().toString(), log().toString(), "/bin/bash", "-c", child));
        keeper = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(dir.resolve("keeper.log").toFile()).start();
    }

    @AfterEach
    void killAll() {
        childPid().ifPresent(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        if (keeper != null) {
            keeper.descendants().forEach(ProcessHandle::destroyForcibly);
            keeper.destroyForcibly();
        }
    }

    private Optional<Long> childPid() {
        try {
            String text = Files.readString(pidFile()).strip();
            return text.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(text));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private long awaitChild(long not) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < end) {
            Optional<Long> pid = childPid();
            if (pid.isPresent() && pid.get() != not && ProcessHandle.of(pid.get()).map(ProcessHandle::isAlive).orElse(false)
                    && logText().split("started", -1).length - 1 >= 1) {
                return pid.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no live child in the pid file; log:\n" + logText());
    }

    private String logText() {
        try {
            return Files.exists(log()) ? Files.readString(log()) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private void awaitLog(String text, int times) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < end && logText().split(java.util.regex.Pattern.quote(text), -1).length - 1 < times) {
            Thread.sleep(20);
        }
        assertThat(logText().split(java.util.regex.Pattern.quote(text), -1).length - 1).as(logText()).isGreaterThanOrEqualTo(times);
    }

    @Test
    void aKilledChildIsStartedAgainAfterAPause() throws Exception {
        startKeeper();
        long first = awaitChild(-1);
        awaitLog("started", 1);
        long killedAt = System.nanoTime();
        ProcessHandle.of(first).orElseThrow().destroyForcibly();
        long second = awaitChild(first);
        awaitLog("started", 2);
        double seconds = (System.nanoTime() - killedAt) / 1e9;
        assertThat(second).isNotEqualTo(first);
        assertThat(seconds).isBetween(0.9, 4.0);
        assertThat(logText()).containsPattern("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d pgbouncer-keeper: /bin/bash \\(pid "
                + first + "\\) exited with status 137; starting it again in 1 s");
        assertThat(keeper.isAlive()).isTrue();
    }

    @Test
    void hupReachesTheChildAndTermStopsBoth() throws Exception {
        startKeeper();
        long child = awaitChild(-1);
        awaitLog("started", 1);
        assertThat(new ProcessBuilder("kill", "-HUP", Long.toString(keeper.pid())).start().waitFor()).isZero();
        awaitLog("reload", 1);
        assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive)).contains(true);
        assertThat(childPid()).contains(child);
        assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(keeper.pid())).start().waitFor()).isZero();
        assertThat(keeper.waitFor(5, TimeUnit.SECONDS)).as("the keeper exits on TERM").isTrue();
        assertThat(keeper.exitValue()).isZero();
        awaitLog("stopping", 1);
        assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false)).as("the child stopped").isFalse();
        assertThat(logText()).doesNotContain("starting it again");
        assertThat(Files.readString(dir.resolve("keeper.log"))).isEmpty();
    }

    @Test
    void termDuringThePauseStopsTheKeeper() throws Exception {
        startKeeper();
        long child = awaitChild(-1);
        ProcessHandle.of(child).orElseThrow().destroyForcibly();
        awaitLog("starting it again", 1);
        // SIGTERM at once, without starting a kill program: the keeper's pause is 1 s
        assertThat(keeper.toHandle().destroy()).isTrue();
        assertThat(keeper.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(keeper.exitValue()).isZero();
        Thread.sleep(1_500);
        assertThat(logText().split("started", -1).length - 1).as("no start after the TERM").isEqualTo(1);
    }

    /** A child that cannot start (its port taken, a broken config): five exits within 10 s, then the keeper gives up. */
    @Test
    void aChildThatKeepsExitingIsGivenUpAfterFiveExits() throws Exception {
        startKeeper("echo started; exit 3");
        assertThat(keeper.waitFor(15, TimeUnit.SECONDS)).as("the keeper gives up").isTrue();
        assertThat(keeper.exitValue()).isEqualTo(1);
        String log = logText();
        assertThat(log.split("started", -1).length - 1).as(log).isEqualTo(PoolerKeeper.BURST);
        assertThat(log.split("starting it again", -1).length - 1).as(log).isEqualTo(PoolerKeeper.BURST - 1);
        assertThat(log).containsPattern("pgbouncer-keeper: /bin/bash \\(pid \\d+\\) exited with status 3, the 5th time"
                + " within 10 s; giving up \\(its log: " + java.util.regex.Pattern.quote(log().toString()) + "\\)");
        assertThat(Files.readString(dir.resolve("keeper.log"))).as("the keeper's own log says so too")
                .contains("giving up");
    }
}
