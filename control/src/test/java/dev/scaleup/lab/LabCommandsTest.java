package dev.scaleup.lab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.runtime.NetCommands;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabCommandsTest {

    private static final Path HOST = Path.of("/var/lib/scaleup/lab/labx/web1");

    @Test
    void buildsTheExactOverlayCommands() {
        assertThat(LabCommands.mountOverlay(Path.of("/var/cache/scaleup/images/debian12-abc"), HOST.resolve("upper"),
                HOST.resolve("work"), HOST.resolve("root"))).containsExactly("mount", "-t", "overlay", "overlay", "-o",
                "lowerdir=/var/cache/scaleup/images/debian12-abc,upperdir=/var/lib/scaleup/lab/labx/web1/upper,"
                        + "workdir=/var/lib/scaleup/lab/labx/web1/work", "/var/lib/scaleup/lab/labx/web1/root");
        assertThat(LabCommands.unmount(HOST.resolve("root"))).containsExactly("umount", "/var/lib/scaleup/lab/labx/web1/root");
        assertThat(LabCommands.isMounted(HOST.resolve("root")))
                .containsExactly("mountpoint", "-q", "/var/lib/scaleup/lab/labx/web1/root");
        assertThat(LabCommands.removeTree(HOST)).containsExactly("rm", "-rf", "--one-file-system", "/var/lib/scaleup/lab/labx/web1");
        assertThat(NetCommands.showLink("labx-hbr")).containsExactly("ip", "link", "show", "dev", "labx-hbr");
    }

    @Test
    void bootsADetachedContainerOnTheBridgeWithTheCapabilitiesTheStackNeeds() {
        assertThat(LabCommands.detached(HOST.resolve("nspawn.pid"),
                LabCommands.boot(HOST.resolve("root"), "labx-web1", "web1", "labx-hbr"))).containsExactly(
                "setsid", "sh", "-c", "echo $$ > \"$0\"; exec \"$@\"", "/var/lib/scaleup/lab/labx/web1/nspawn.pid",
                "systemd-nspawn", "--quiet", "--boot", "--directory=/var/lib/scaleup/lab/labx/web1/root",
                "--machine=labx-web1", "--hostname=web1", "--keep-unit", "--register=no", "--network-bridge=labx-hbr",
                "--capability=CAP_NET_ADMIN,CAP_NET_RAW", "--console=read-only", "--link-journal=no",
                "--resolv-conf=off", "--timezone=off");
        assertThat(LabCommands.inDirectory(Path.of("/img.tmp"), List.of("apt-get", "clean"))).containsExactly(
                "systemd-nspawn", "--quiet", "--keep-unit", "--register=no", "--pipe", "--directory=/img.tmp", "apt-get", "clean");
    }

    @Test
    void reachesAHostWithTheLabsKeyTrustingOnlyTheLabsHostKeys() {
        assertThat(LabCommands.newKey(Path.of("/lab/id_ed25519"), "scaleup-lab-labx")).containsExactly(
                "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "scaleup-lab-labx", "-f", "/lab/id_ed25519");
        assertThat(LabCommands.ssh(Path.of("/lab/id_ed25519"), Path.of("/lab/known_hosts"), "198.19.50.21",
                List.of("true"))).containsExactly("ssh", "-i", "/lab/id_ed25519", "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=/lab/known_hosts",
                "-o", "ConnectTimeout=3", "-o", "LogLevel=ERROR", "root@198.19.50.21", "true");
    }
}
