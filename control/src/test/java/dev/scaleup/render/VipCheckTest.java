package dev.scaleup.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.topology.Host;
import dev.scaleup.topology.Topology;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the rendered {@code vip-check.sh} with /bin/sh, as keepalived does, against routing tables captured from a
 * load balancer of the netns target ({@code /proc/net/fib_trie}), and with every program it may start replaced by a
 * stub that records its call: arping and curl answer as the test says, date says the time the test says.
 */
class VipCheckTest {

    private static final Topology T = Fixtures.defaultTopology();
    private static final long NOW = 1_800_000_000L;

    /** lb1 holding the VIP (198.18.0.100), as read in its namespace. */
    static final String FIB_HOLDING = """
            Main:
              +-- 0.0.0.0/0 3 0 5
                 |-- 0.0.0.0
                    /0 universe UNICAST
                 +-- 127.0.0.0/8 2 0 2
                    +-- 127.0.0.0/31 1 0 0
                       |-- 127.0.0.0
                          /8 host LOCAL
                       |-- 127.0.0.1
                          /32 host LOCAL
                    |-- 127.255.255.255
                       /32 link BROADCAST
                 +-- 198.18.0.0/24 2 0 1
                    +-- 198.18.0.0/28 2 0 2
                       |-- 198.18.0.0
                          /24 link UNICAST
                       |-- 198.18.0.11
                          /32 host LOCAL
                    |-- 198.18.0.100
                       /32 host LOCAL
                    |-- 198.18.0.255
                       /32 link BROADCAST
            Local:
              +-- 0.0.0.0/0 3 0 5
                 |-- 0.0.0.0
                    /0 universe UNICAST
                 +-- 198.18.0.0/24 2 0 1
                    |-- 198.18.0.100
                       /32 host LOCAL
            """;

    /** lb2 without the VIP; 198.18.0.10 is its own, to show that a prefix of the VIP's address is not the VIP. */
    static final String FIB_NOT_HOLDING = """
            Main:
              +-- 0.0.0.0/0 3 0 5
                 |-- 0.0.0.0
                    /0 universe UNICAST
                 +-- 198.18.0.0/24 2 0 1
                    +-- 198.18.0.0/28 2 0 2
                       |-- 198.18.0.0
                          /24 link UNICAST
                       |-- 198.18.0.10
                          /32 host LOCAL
                       |-- 198.18.0.12
                          /32 host LOCAL
                    |-- 198.18.0.255
                       /32 link BROADCAST
            Local:
              +-- 0.0.0.0/0 3 0 5
                 |-- 198.18.0.100
                    /32 link BROADCAST
                 |-- 198.18.0.12
                    /32 host LOCAL
            """;

    @TempDir
    Path tmp;
    private Path marker;
    private Path calls;
    private Path script;

    @BeforeEach
    void render() throws IOException {
        Host lb2 = Fixtures.host(T, "lb2");
        HostPaths paths = new HostPaths(tmp.resolve("hosts/lb2"));
        marker = VipCheck.marker(paths);
        Files.createDirectories(marker.getParent());
        calls = tmp.resolve("calls");
        Files.writeString(calls, "");
        Path stubs = Files.createDirectories(tmp.resolve("stubs"));
        for (String program : List.of("arping", "curl", "date", "ip", "grep", "cat", "rm")) {
            String body = switch (program) {
                case "arping" -> "exit \"$ARPING_EXIT\"";
                case "curl" -> "exit \"$CURL_EXIT\"";
                case "date" -> "echo " + NOW;
                case "rm" -> "exec /bin/rm \"$@\"";
                default -> "exit 2";
            };
            Path stub = stubs.resolve(program);
            Files.writeString(stub, "#!/bin/sh\necho " + program + " >> " + calls + "\n" + body + "\n");
            Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        String content = VipCheck.render(T, lb2, paths).content();
        assertThat(content).contains("fib=" + VipCheck.FIB + "\n", "PATH=/usr/sbin:/usr/bin:/sbin:/bin\n");
        script = tmp.resolve("vip-check.sh");
        Files.writeString(script, content.replace("fib=" + VipCheck.FIB + "\n", "fib=" + tmp.resolve("fib") + "\n")
                .replace("PATH=/usr/sbin:/usr/bin:/sbin:/bin\n", "PATH=" + stubs + "\n"));
    }

    private int run(String fib, boolean otherAnswersArp, boolean otherHaproxyAlive) throws Exception {
        Files.writeString(tmp.resolve("fib"), fib);
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", script.toString()).redirectErrorStream(true);
        pb.environment().putAll(Map.of("ARPING_EXIT", otherAnswersArp ? "1" : "0", "CURL_EXIT",
                otherHaproxyAlive ? "0" : "7"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as("the script's output").isEmpty();
        return p.exitValue();
    }

    private List<String> calls() throws IOException {
        return new ArrayList<>(Files.readAllLines(calls));
    }

    @Test
    void notHoldingTheVipAndNotHavingGivenWayStartsNoProgram() throws Exception {
        assertThat(run(FIB_NOT_HOLDING, true, true)).isZero();
        assertThat(calls()).isEmpty();
        assertThat(marker).doesNotExist();
    }

    @Test
    void holdingTheVipWhileTheOtherAnswersForItGivesWay() throws Exception {
        assertThat(run(FIB_HOLDING, true, true)).isEqualTo(1);
        assertThat(calls()).containsExactly("arping", "curl", "date");
        assertThat(Files.readString(marker)).isEqualTo(NOW + "\n");
    }

    @Test
    void holdingTheVipAloneKeepsIt() throws Exception {
        Files.writeString(marker, (NOW - 5) + "\n");
        assertThat(run(FIB_HOLDING, false, true)).isZero();
        assertThat(calls()).containsExactly("arping", "rm");
        assertThat(marker).doesNotExist();
    }

    @Test
    void anOtherThatAnswersArpButServesNothingIsNoHolder() throws Exception {
        assertThat(run(FIB_HOLDING, true, false)).isZero();
        assertThat(calls()).containsExactly("arping", "curl");
        assertThat(marker).doesNotExist();
    }

    @Test
    void havingGivenWayItStaysOutWhileTheOtherHoldsTheVipForTheHoldTime() throws Exception {
        Files.writeString(marker, (NOW - VipCheck.HOLD_SECONDS + 1) + "\n");
        assertThat(run(FIB_NOT_HOLDING, true, true)).isEqualTo(1);
        assertThat(calls()).containsExactly("date", "arping", "curl");
        assertThat(marker).exists();

        Files.writeString(calls, "");
        assertThat(run(FIB_NOT_HOLDING, false, true)).as("the other stopped answering").isZero();
        assertThat(marker).doesNotExist();
    }

    @Test
    void afterTheHoldTimeItTriesBackupAgain() throws Exception {
        Files.writeString(marker, (NOW - VipCheck.HOLD_SECONDS) + "\n");
        assertThat(run(FIB_NOT_HOLDING, true, true)).isZero();
        assertThat(calls()).containsExactly("date", "rm");
        assertThat(marker).doesNotExist();
    }

    @Test
    void readsTheRoutingTablesOfTheMachineItRunsOn() throws Exception {
        // this machine's own table parses, and holds none of the test network's VIP
        assertThat(run(Files.readString(Path.of(VipCheck.FIB)), true, true)).isZero();
        assertThat(Files.readString(Path.of(VipCheck.FIB))).contains("/32 host LOCAL");
    }
}
