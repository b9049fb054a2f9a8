package dev.scaleup.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.runtime.Exec;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Ipv4;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Ssh;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each refusal of up's pre-flight, from what a server answers (or ssh says) to its one sentence. */
class PreflightTest {

    private static final Host DB2 = new Host("db2", Role.DB, 2, Ipv4.parse("10.0.0.82"));
    private static final Ssh ROOT = new Ssh("root", 22, Path.of("/keys/id"), false);
    private static final Ssh ADMIN = new Ssh("admin", 2222, Path.of("/keys/db2"), true);

    private static Exec.Result answer(int exit, String stdout, String stderr) {
        return new Exec.Result(List.of("ssh"), exit, stdout, stderr);
    }

    @Test
    void aDebian12ServerWithRootPasses() {
        assertThat(Preflight.judge(DB2, ROOT, answer(0, "debian 12 0\n", ""))).isEmpty();
        assertThat(Preflight.judge(DB2, ADMIN, answer(0, "debian 12 0\n", ""))).isEmpty();
    }

    @Test
    void aServerThatDoesNotLetScaleupInIsNamedWithWhatSshSaid() {
        assertThat(Preflight.judge(DB2, ROOT, answer(255, "", "Warning: something\nssh: connect to host 10.0.0.82 port 22:"
                + " No route to host\n"))).contains("db2 (root@10.0.0.82:22) does not let scaleup in over SSH with the key"
                + " /keys/id: ssh: connect to host 10.0.0.82 port 22: No route to host");
        assertThat(Preflight.judge(DB2, ROOT, answer(255, "", "root@10.0.0.82: Permission denied (publickey).")))
                .hasValueSatisfying(m -> assertThat(m).endsWith("Permission denied (publickey)."));
    }

    @Test
    void anotherSystemIsRefused() {
        assertThat(Preflight.judge(DB2, ROOT, answer(0, "debian 11 0\n", ""))).contains("db2 (root@10.0.0.82:22) runs"
                + " debian 11, not Debian 12 (bookworm): the stack's packages are Debian 12's");
        assertThat(Preflight.judge(DB2, ROOT, answer(0, "ubuntu 24.04 0\n", ""))).hasValueSatisfying(m ->
                assertThat(m).contains("runs ubuntu 24.04, not Debian 12"));
        assertThat(Preflight.judge(DB2, ROOT, answer(2, "", "sh: 1: .: cannot open /etc/os-release: No such file")))
                .hasValueSatisfying(m -> assertThat(m).contains("with exit 2: sh: 1: .: cannot open /etc/os-release")
                        .contains("a Debian 12 server with /etc/os-release is needed"));
    }

    @Test
    void aUserWithoutRootOrPasswordlessSudoIsRefused() {
        assertThat(Preflight.judge(DB2, ADMIN, answer(1, "", "sudo: a password is required\n"))).contains("db2"
                + " (admin@10.0.0.82:2222): admin cannot become root with sudo without a password (sudo: a password is"
                + " required); scaleup needs `sudo -n` to work for that user");
        Ssh plain = new Ssh("admin", 22, Path.of("/keys/id"), false);
        assertThat(Preflight.judge(DB2, plain, answer(0, "debian 12 1000\n", ""))).contains("db2 (admin@10.0.0.82:22):"
                + " admin is not root and the file does not say sudo: true for it (ssh.sudo, or hosts.db2.sudo)");
    }
}
