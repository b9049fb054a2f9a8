package dev.scaleup.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The part of on-role-change.sh that wakes the other members' Patroni, run by sh next to the patroni.yml rendered for
 * the same host, with a curl stub on the PATH that writes down its arguments and what it read on standard input.
 */
class RoleChangeWakeTest {

    @TempDir
    Path dir;

    private List<String> run(String want) throws IOException, InterruptedException {
        Topology t = Fixtures.defaultTopology();
        Host db1 = Fixtures.host(t, "db1");
        HostPaths paths = new HostPaths(dir.resolve("hosts/db1"));
        Files.createDirectories(paths.conf());
        RenderedFile patroni = PatroniConfig.render(t, db1, paths, Fixtures.SECRETS, t.hosts(Role.DB));
        Files.writeString(paths.conf(patroni.name()), patroni.content());
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path calls = dir.resolve("calls");
        Files.writeString(bin.resolve("curl"), """
                #!/bin/sh
                # one write per call: the calls run at once
                in=$(cat)
                printf 'args: %s\\nstdin: %s\\n' "$*" "$in" >> "$CALLS"
                """, java.nio.charset.StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(bin.resolve("curl"), PosixFilePermissions.fromString("rwxr-xr-x"));
        List<Host> others = t.hosts(Role.DB).stream().filter(h -> !h.equals(db1)).toList();
        String script = "want=" + want + "\n" + RoleChange.wakeOthers(others, paths) + "wait\n";
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        pb.environment().put("CALLS", calls.toString());
        Process p = pb.start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(p.getInputStream().readAllBytes())).isEmpty();
        assertThat(p.exitValue()).isZero();
        return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
    }

    @Test
    void aNewPrimaryPatchesEveryOtherMembersConfigWithTheRestApisPasswordOnStandardInput() throws Exception {
        List<String> calls = run("false");

        assertThat(calls).hasSize(4);
        assertThat(calls.stream().filter(l -> l.startsWith("args:")))
                .allSatisfy(args -> assertThat(args)
                        .contains(" -X PATCH ", " -d {\"postgresql\":{}} ", " -K - ", " --max-time 2")
                        .doesNotContain("super-secret"))
                .anySatisfy(args -> assertThat(args).endsWith(" http://198.18.0.82:8008/config"))
                .anySatisfy(args -> assertThat(args).endsWith(" http://198.18.0.83:8008/config"))
                .noneSatisfy(args -> assertThat(args).contains("198.18.0.81"));
        assertThat(calls.stream().filter(l -> l.startsWith("stdin:")))
                .containsOnly("stdin: user = \"" + PatroniConfig.REST_USER + ":super-secret\"");
    }

    @Test
    void aReplicaWakesNobody() throws Exception {
        assertThat(run("true")).isEmpty();
    }
}
