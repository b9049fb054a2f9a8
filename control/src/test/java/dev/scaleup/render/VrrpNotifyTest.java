package dev.scaleup.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.topology.Host;
import dev.scaleup.topology.Topology;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the rendered {@code vrrp-notify.sh} with /bin/sh, as keepalived does, with the host's routing table read from a
 * file captured on a load balancer (holding the VIP or not): a notify whose state disagrees with the VIP on the host is
 * an older change's, run late, and must not overwrite the state Prometheus reads.
 */
class VrrpNotifyTest {

    private static final Topology T = Fixtures.defaultTopology();

    @TempDir
    Path tmp;
    private Path script;
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
        String content = VrrpNotify.render(T, lb1, paths).content();
        assertThat(content).contains("fib=" + VipCheck.FIB + "\n");
        script = Files.writeString(tmp.resolve(VrrpNotify.FILE),
                content.replace("fib=" + VipCheck.FIB + "\n", "fib=" + tmp.resolve("fib") + "\n"));
    }

    private void notify(String state, String fib) throws Exception {
        Files.writeString(tmp.resolve("fib"), fib);
        Process p = new ProcessBuilder("/bin/sh", script.toString(), "INSTANCE", "VI_scaleup", state, "150")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as("the script's output").isEmpty();
        assertThat(p.exitValue()).isZero();
    }

    @Test
    void aStateThatAgreesWithTheVipIsWritten() throws Exception {
        notify("MASTER", VipCheckTest.FIB_HOLDING);
        assertThat(Files.readString(state)).contains("scaleup_vrrp_master 1\n", "scaleup_vrrp_state{state=\"MASTER\"} 1\n");
        notify("BACKUP", VipCheckTest.FIB_NOT_HOLDING);
        assertThat(Files.readString(state)).contains("scaleup_vrrp_master 0\n", "scaleup_vrrp_state{state=\"BACKUP\"} 1\n");
        notify("FAULT", VipCheckTest.FIB_NOT_HOLDING);
        assertThat(Files.readString(state)).contains("scaleup_vrrp_master 0\n", "scaleup_vrrp_state{state=\"FAULT\"} 1\n");
        try (var files = Files.list(state.getParent())) {
            assertThat(files).as("no temporary file left").containsExactly(state);
        }
    }

    @Test
    void aBackupNotifyRunLateWhileTheHostHoldsTheVipLeavesTheMastersState() throws Exception {
        notify("MASTER", VipCheckTest.FIB_HOLDING);
        notify("BACKUP", VipCheckTest.FIB_HOLDING);
        assertThat(Files.readString(state)).contains("scaleup_vrrp_master 1\n", "scaleup_vrrp_state{state=\"MASTER\"} 1\n");
        assertThat(Files.readString(log)).as("both changes are still logged").contains(
                "keepalived notify: (VI_scaleup) MASTER STATE, priority 150", "keepalived notify: (VI_scaleup) BACKUP STATE");
    }

    @Test
    void aMasterNotifyRunLateAfterTheVipWentLeavesTheLaterState() throws Exception {
        notify("BACKUP", VipCheckTest.FIB_NOT_HOLDING);
        notify("MASTER", VipCheckTest.FIB_NOT_HOLDING);
        assertThat(Files.readString(state)).contains("scaleup_vrrp_master 0\n", "scaleup_vrrp_state{state=\"BACKUP\"} 1\n");
    }
}
