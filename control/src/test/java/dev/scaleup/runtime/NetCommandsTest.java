package dev.scaleup.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.render.HostPaths;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Ipv4;
import dev.scaleup.topology.Role;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetCommandsTest {

    @Test
    void buildsTheExactIproute2Commands() {
        // a MAC of its own: otherwise Linux gives the bridge its lowest port's, which changes as hosts come and go
        assertThat(NetCommands.addBridge("scaleup-br", Ipv4.parse("198.18.0.1"))).containsExactly("ip", "link", "add",
                "name", "scaleup-br", "address", "02:00:c6:12:00:01", "type", "bridge");
        assertThat(NetCommands.setMac("scaleup-br", "02:00:c6:12:00:01"))
                .containsExactly("ip", "link", "set", "dev", "scaleup-br", "address", "02:00:c6:12:00:01");
        assertThat(NetCommands.addVeth("scaleup-web1", "scaleup-web1", Ipv4.parse("198.18.0.21")))
                .containsExactly("ip", "link", "add", "scaleup-web1", "type", "veth", "peer", "name", "eth0",
                        "address", "02:00:c6:12:00:15", "netns", "scaleup-web1");
        assertThat(NetCommands.macFor(Ipv4.parse("198.19.255.254"))).isEqualTo("02:00:c6:13:ff:fe");
        assertThat(NetCommands.inNamespace("scaleup-lb1", NetCommands.sysctl("net.ipv4.ip_nonlocal_bind", "1")))
                .containsExactly("ip", "netns", "exec", "scaleup-lb1", "sysctl", "-q", "-w", "net.ipv4.ip_nonlocal_bind=1");
        assertThat(NetCommands.defaultRoute("198.18.0.1")).containsExactly("ip", "route", "replace", "default", "via", "198.18.0.1", "dev", "eth0");
        assertThat(NetCommands.addressesOf("scaleup-lb2", "eth0")).containsExactly("ip", "-n", "scaleup-lb2", "-4", "-o", "addr", "show", "dev", "eth0");
        assertThat(NetCommands.listening(8432)).containsExactly("ss", "-H", "-l", "-t", "-n", "sport = :8432");
    }

    @Test
    void aServerUserHasNoHomeNoShellAndAGroupOfItsOwn() {
        assertThat(NetCommands.addSystemUser("scaleup-app")).containsExactly("useradd", "--system", "--user-group",
                "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", "--comment",
                "scaleup server", "scaleup-app");
    }

    @Test
    void buildsTheFaultCommands() {
        assertThat(NetCommands.signal("STOP", List.of(12L, 345L))).containsExactly("kill", "-s", "STOP", "12", "345");
        // one nft script: made anew each time, so dropping twice leaves one rule; its own table beside "scaleup"
        assertThat(NetCommands.dropOutputTo(Ipv4.parse("198.18.0.81"))).containsExactly("nft",
                "table inet scaleup_drill; delete table inet scaleup_drill; table inet scaleup_drill { chain output { "
                        + "type filter hook output priority filter; policy accept; ip daddr 198.18.0.81 counter drop; }; }");
        assertThat(NetCommands.deleteDropTable()).containsExactly("nft", "delete", "table", "inet", "scaleup_drill");
        assertThat(NetCommands.listDropTable()).containsExactly("nft", "list", "table", "inet", "scaleup_drill");
    }

    @Test
    void aDrillDropsOneProtocolInATableOfItsOwnAheadOfTheFirewall() {
        assertThat(NetCommands.dropInbound(112)).containsExactly("nft", "add table inet scaleup_fault { chain input {"
                + " type filter hook input priority -10; policy accept; ip protocol 112 counter drop; }; }");
        assertThat(NetCommands.deleteAddress("eth0", "198.18.0.100/24"))
                .containsExactly("ip", "addr", "del", "198.18.0.100/24", "dev", "eth0");
        assertThat(NetCommands.removeFaults()).containsExactly("nft", "delete", "table", "inet", "scaleup_fault");
        assertThat(NetCommands.listFaults()).containsExactly("nft", "list", "table", "inet", "scaleup_fault");
        assertThat(NetCommands.FAULT_TABLE).isNotEqualTo(dev.scaleup.render.FirewallConfig.TABLE);
    }

    @Test
    void namesFitLinuxInterfaceNames() {
        Names names = new Names("abcdefgh");
        Host longest = new Host("app39", Role.APP, 39, Ipv4.parse("198.18.0.79"));
        assertThat(names.veth(longest)).hasSizeLessThanOrEqualTo(15).isEqualTo("abcdefgh-app39");
        assertThat(names.bridge()).isEqualTo("abcdefgh-br");
        assertThat(names.owns("abcdefgh-db1")).isTrue();
        assertThat(names.owns("other-db1")).isFalse();
    }

    @Test
    void startsAProcessDetachedWithItsPidFileWrittenBeforeExec() {
        HostPaths paths = new HostPaths(Path.of("/state/hosts/db1"));
        ProcessSpec postgres = ProcessSpec.of("postgres", List.of("/usr/lib/postgresql/15/bin/postgres", "-c", "config_file=x"))
                .asUser("postgres").withStopSignal("INT");
        assertThat(Processes.startCommand("scaleup-db1", paths, postgres)).containsExactly(
                "ip", "netns", "exec", "scaleup-db1", "setsid", "sh", "-c", "echo $$ > \"$0\"; exec \"$@\"",
                "/state/hosts/db1/run/postgres.pid",
                "setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups",
                "/usr/lib/postgresql/15/bin/postgres", "-c", "config_file=x");
        assertThat(postgres.executableName()).isEqualTo("postgres");
        assertThat(ProcessSpec.of("patroni", List.of("/usr/bin/patroni", "x.yml")).withExecutable("python3.11").executableName())
                .isEqualTo("python3.11");
        ProcessSpec nginx = ProcessSpec.of("nginx", List.of("/usr/sbin/nginx", "-c", "n.conf"));
        assertThat(Processes.startCommand("scaleup-web1", new HostPaths(Path.of("/s/web1")), nginx)).containsExactly(
                "ip", "netns", "exec", "scaleup-web1", "setsid", "sh", "-c", "echo $$ > \"$0\"; exec \"$@\"",
                "/s/web1/run/nginx.pid", "/usr/sbin/nginx", "-c", "n.conf");
    }

    @Test
    void aServerThatClearsOAppendStillAppendsThroughThePipeAfterTheLogWasTruncated(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        HostPaths paths = new HostPaths(dir);
        java.nio.file.Files.createDirectories(paths.run());
        java.nio.file.Files.createDirectories(paths.logs());
        Path log = paths.log("haproxy");
        Path go = dir.resolve("go");
        java.nio.file.Files.writeString(log, "x".repeat(4096) + "\n");
        // as HAProxy does to its output: F_SETFL with O_NONBLOCK alone, which clears O_APPEND
        String server = "import fcntl, os, time\n"
                + "fcntl.fcntl(1, fcntl.F_SETFL, os.O_NONBLOCK)\n"
                + "os.write(1, b'before\\n')\n"
                + "while not os.path.exists('" + go + "'): time.sleep(0.02)\n"
                + "os.write(1, b'after\\n')\n";
        ProcessSpec spec = ProcessSpec.of("haproxy", List.of("/usr/bin/python3", "-c", server)).withLogPipe();
        List<String> command = Processes.startCommand("ns", paths, spec);
        assertThat(command.subList(0, 8)).containsExactly("ip", "netns", "exec", "ns", "setsid", "sh", "-c",
                Processes.PIPED_LOG);
        assertThat(command.subList(8, 10)).containsExactly(paths.pidFile("haproxy").toString(), log.toString());
        Process p = new ProcessBuilder(command.subList(5, command.size())).redirectErrorStream(true).start();
        long end = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (!java.nio.file.Files.readString(log).contains("before") && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(java.nio.file.Files.readString(paths.pidFile("haproxy")).strip()).isEqualTo(Long.toString(p.pid()));
        // logrotate's copytruncate
        try (var channel = java.nio.channels.FileChannel.open(log, java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(0);
        }
        java.nio.file.Files.writeString(go, "");
        assertThat(p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        end = System.nanoTime() + java.time.Duration.ofSeconds(5).toNanos();
        while (!java.nio.file.Files.readString(log).contains("after") && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(java.nio.file.Files.readString(log)).as("no hole where the old content was").isEqualTo("after\n");
    }

    @Test
    void aPidFileIsNotTrustedWhenItNamesAnotherProgram(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        HostPaths paths = new HostPaths(dir);
        java.nio.file.Files.createDirectories(paths.run());
        // this JVM is alive but it is not nginx, and it is not in that namespace
        java.nio.file.Files.writeString(paths.pidFile("nginx"), ProcessHandle.current().pid() + "\n");
        assertThat(Processes.running("no-such-ns", paths, ProcessSpec.of("nginx", List.of("/usr/sbin/nginx")))).isEmpty();
        java.nio.file.Files.writeString(paths.pidFile("nginx"), "not a pid\n");
        assertThat(Processes.running("no-such-ns", paths, ProcessSpec.of("nginx", List.of("/usr/sbin/nginx")))).isEmpty();
        assertThat(Processes.alive(ProcessHandle.current().pid())).isTrue();
    }
}
