package dev.scaleup.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.topology.Host;
import dev.scaleup.topology.Topology;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the rendered {@code vrrp-notify.sh} with /bin/sh on a real FIFO, as keepalived does: keepalived starts it with
 * the FIFO's name and writes one line per state change. The state Prometheus reads must be the last change written,
 * every change must be logged in order, and the script must outlive a TERM until keepalived closes the FIFO.
 */
class VrrpNotifyTest {

    private static final Topology T = Fixtures.defaultTopology();

    @TempDir
    Path tmp;
    private Path script;
    private Path fifo;
    private Path state;
    private Path log;

    @BeforeEach
    void render() throws Exception {
        Host lb1 = Fixtures.host(T, "lb1");
        HostPaths paths = new HostPaths(tmp.resolve("lb1"));
        Files.createDirectories(VrrpNotify.textfileDir(paths));
        Files.createDirectories(paths.logs());
        state = VrrpNotify.textfileDir(paths).resolve(Exporters.VRRP_TEXTFILE);
        log = paths.log("haproxy");
        fifo = VrrpNotify.fifo(paths);
        script = Files.writeString(tmp.resolve(VrrpNotify.FILE), VrrpNotify.render(T, lb1, paths).content());
        Process mkfifo = new ProcessBuilder("mkfifo", "-m", "600", fifo.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor()).isZero();
    }

    @Test
    void changesWrittenCloseTogetherLeaveTheLastOneAndAreLoggedInOrder() throws Exception {
        Process reader = new ProcessBuilder("/bin/sh", script.toString(), fifo.toString()).redirectErrorStream(true).start();
        try (OutputStream keepalived = Files.newOutputStream(fifo)) {
            // keepalived's own lines, back to back: the start as BACKUP, then MASTER 0.2 s later in the case seen
            keepalived.write("""
                    INSTANCE "VI_scaleup" BACKUP 150
                    INSTANCE "VI_scaleup" MASTER 150
                    """.getBytes(StandardCharsets.US_ASCII));
            keepalived.flush();
            awaitContains(state, "scaleup_vrrp_master 1\n");
            assertThat(Files.readString(state)).contains("scaleup_vrrp_state{state=\"MASTER\"} 1\n");

            // keepalived stopping: TERM first, then its STOP line, then it closes the FIFO
            reader.toHandle().destroy();
            keepalived.write("INSTANCE \"VI_scaleup\" STOP 150\n".getBytes(StandardCharsets.US_ASCII));
            keepalived.flush();
            awaitContains(state, "scaleup_vrrp_master 0\n");
            assertThat(reader.isAlive()).as("the reader outlives TERM while the FIFO is open").isTrue();
        }
        assertThat(reader.waitFor(10, TimeUnit.SECONDS)).as("the reader ends when keepalived closes the FIFO").isTrue();
        assertThat(new String(reader.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).as("its output").isEmpty();
        assertThat(reader.exitValue()).isZero();
        assertThat(Files.readString(state)).contains("scaleup_vrrp_state{state=\"STOP\"} 1\n");
        assertThat(Files.readAllLines(log)).hasSize(3).satisfiesExactly(
                l -> assertThat(l).endsWith(" keepalived notify: (VI_scaleup) BACKUP STATE, priority 150"),
                l -> assertThat(l).endsWith(" keepalived notify: (VI_scaleup) MASTER STATE, priority 150"),
                l -> assertThat(l).endsWith(" keepalived notify: (VI_scaleup) STOP STATE, priority 150"));
        assertThat(Files.readAllLines(log).get(0)).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}[+-]\\d\\d:\\d\\d .*");
        try (var files = Files.list(state.getParent())) {
            assertThat(files).as("no temporary file left").containsExactly(state);
        }
    }

    @Test
    void linesOtherThanAnInstancesAreSkipped() throws Exception {
        Process reader = new ProcessBuilder("/bin/sh", script.toString(), fifo.toString()).redirectErrorStream(true).start();
        try (OutputStream keepalived = Files.newOutputStream(fifo)) {
            keepalived.write("""
                    INSTANCE "VI_scaleup" MASTER 150
                    GROUP "G1" BACKUP 0
                    """.getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(reader.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(reader.exitValue()).isZero();
        assertThat(Files.readString(state)).contains("scaleup_vrrp_master 1\n");
        assertThat(Files.readAllLines(log)).hasSize(1);
    }

    private static void awaitContains(Path file, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(Files.exists(file) && Files.readString(file).contains(text))) {
            assertThat(System.nanoTime()).as(file + " to contain " + text.strip()).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
