package dev.scaleup.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.lab.Lab;
import dev.scaleup.lab.LabDir;
import dev.scaleup.lab.LabPlan;
import dev.scaleup.ops.Progress;
import dev.scaleup.runtime.Exec;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Subnet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Throwaway hosts for real (docs/HOSTS.md): two systemd-nspawn hosts boot from the debootstrap image (built here on a
 * fresh machine), answer SSH and Ansible, run the app's jlink runtime without a JDK, survive a power cycle, and
 * {@code hosts down} leaves no process, mount, bridge or veth. Two hosts keep CI short; the CLI's own `hosts up`
 * wants six (a deployable spread), so the lab is made through {@link Lab} and removed through the CLI.
 */
class LabHostsIT {

    private static final String NAME = "labit";
    private static final Subnet SUBNET = Subnet.parse("198.19.9.0/24");

    @Test
    void twoHostsBootAnswerSshAndAnsibleRunTheAppsRuntimeSurviveAPowerCycleAndLeaveNothingBehind(@TempDir Path tmp)
            throws Exception {
        RootOnly.require();
        LabPlan plan = new LabPlan(NAME, SUBNET, LabPlan.spread(SUBNET, List.of(Role.LB, Role.APP)));
        Lab lab = new Lab(plan);
        Path runtime = RootOnly.repoRoot().resolve("app/target/runtime");
        assertThat(runtime.resolve("bin/java")).as("the app's jlink runtime (built by ./mvnw package)").isExecutable();
        try {
            Cli.Run refused = Cli.run("hosts", "up", "-n", "2", "--name", NAME, "--subnet", SUBNET.toString(),
                    "-o", tmp.resolve("hosts.yaml").toString());
            assertThat(refused.exitCode()).isEqualTo(2);
            assertThat(refused.err()).contains("-n 2 is too few");

            timed("hosts up (2 hosts, image cached or built)", () -> lab.up(new Progress(System.out)));
            for (String host : List.of("lb1", "app1")) {
                assertThat(lab.ssh(host, List.of("hostname"), Duration.ofSeconds(20)).stdout().strip()).isEqualTo(host);
                System.out.printf("LabHostsIT: %s's processes use %d kB resident%n", host, lab.rssKb(host));
                assertThat(lab.rssKb(host)).as("a booted host runs systemd and sshd at least").isPositive();
            }
            Path inventory = tmp.resolve("inventory.ini");
            Files.writeString(inventory, "[lab]\n" + String.join("\n", plan.hosts().stream()
                    .map(h -> h.name() + " ansible_host=" + h.address()).toList())
                    + "\n\n[lab:vars]\nansible_user=root\nansible_ssh_private_key_file=" + lab.dir().key()
                    + "\nansible_ssh_common_args='-o UserKnownHostsFile=" + lab.dir().knownHosts()
                    + " -o StrictHostKeyChecking=yes'\n");
            Exec.Result ping = timed("ansible all -m ping", () -> Exec.run(List.of("ansible", "-i", inventory.toString(),
                    "all", "-m", "ping"), Duration.ofSeconds(120), null));
            assertThat(ping.ok()).as(ping.stdout() + ping.stderr()).isTrue();
            assertThat(ping.stdout()).contains("lb1 | SUCCESS").contains("app1 | SUCCESS");

            assertThat(lab.ssh("app1", List.of("command -v java"), Duration.ofSeconds(20)).ok())
                    .as("a lab host has no JDK").isFalse();
            Exec.Result copy = timed("scp the jlink runtime", () -> Exec.run(List.of("scp", "-q", "-r", "-i",
                    lab.dir().key().toString(), "-o", "BatchMode=yes", "-o", "UserKnownHostsFile=" + lab.dir().knownHosts(),
                    runtime.toString(), "root@" + plan.host("app1").address() + ":/opt/app-runtime"),
                    Duration.ofSeconds(180), null));
            assertThat(copy.ok()).as(copy.stderr()).isTrue();
            Exec.Result version = lab.ssh("app1", List.of("/opt/app-runtime/bin/java", "-version"), Duration.ofSeconds(30));
            assertThat(version.ok()).as(version.stderr()).isTrue();
            assertThat(version.stderr()).contains("Runtime Environment");

            assertThat(timed("power off app1", () -> lab.poweroff("app1"))).isEqualTo("app1 halted");
            assertThat(lab.ssh("app1", List.of("true"), Duration.ofSeconds(10)).ok()).isFalse();
            timed("boot app1 until SSH answers", () -> lab.boot("app1"));
            // its disk survived the power cut
            assertThat(lab.ssh("app1", List.of("test", "-x", "/opt/app-runtime/bin/java"), Duration.ofSeconds(20)).ok())
                    .isTrue();
        } finally {
            Cli.Run down = timed("hosts down", () -> Cli.run("hosts", "down", "--name", NAME));
            assertThat(down.exitCode()).isZero();
        }
        assertThat(Exec.run(List.of("pgrep", "-f", "--", "--machine=" + NAME + "-")).stdout()).as("container processes").isEmpty();
        assertThat(Exec.run(List.of("findmnt", "-rn", "-o", "TARGET")).stdout())
                .as("overlay mounts").doesNotContain(LabDir.of(NAME).path().toString());
        assertThat(Exec.run(List.of("ip", "-o", "link")).stdout()).as("bridge and veths")
                .doesNotContain(plan.bridge()).doesNotContain("vb-" + NAME + "-");
        assertThat(LabDir.of(NAME).path()).doesNotExist();
        assertThat(Cli.run("hosts", "down", "--name", NAME).out()).contains("nothing to remove");
    }

    private static <T> T timed(String step, java.util.concurrent.Callable<T> action) throws Exception {
        long start = System.nanoTime();
        T result = action.call();
        System.out.printf("LabHostsIT: %s took %.1f s%n", step, (System.nanoTime() - start) / 1e9);
        return result;
    }

    private static void timed(String step, Runnable action) throws Exception {
        timed(step, () -> {
            action.run();
            return null;
        });
    }
}
