package dev.scaleup.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleup.topology.Ipv4;
import dev.scaleup.topology.Ssh;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SshCommandsTest {

    private static final SshCommands.HostKeys LEARNED = new SshCommands.HostKeys(Path.of("/state/ansible/known_hosts"), false);
    private static final Path CONTROL = Path.of("/state/ssh");

    @Test
    void rootLogsInWithItsKeyOneSharedConnectionAndKeysLearnedOnFirstUse() {
        assertThat(SshCommands.ssh(new Ssh("root", 22, Path.of("/lab/id_ed25519"), false), Ipv4.parse("198.19.54.21"),
                LEARNED, CONTROL, List.of("systemctl", "show", "--property=MainPID", "--value", "nginx.service")))
                .containsExactly("ssh", "-i", "/lab/id_ed25519", "-p", "22", "-o", "BatchMode=yes", "-o", "ConnectTimeout=5",
                        "-o", "ControlMaster=auto", "-o", "ControlPath=/state/ssh/%C", "-o", "ControlPersist=60",
                        "-o", "StrictHostKeyChecking=accept-new", "-o", "UserKnownHostsFile=/state/ansible/known_hosts",
                        "root@198.19.54.21", "--", "cd / && 'systemctl' 'show' '--property=MainPID' '--value' 'nginx.service'");
    }

    @Test
    void anotherUserBecomesRootWithSudoThatNeverAsksAndALabsKeysAreChecked() {
        SshCommands.HostKeys lab = new SshCommands.HostKeys(Path.of("/var/lib/scaleup/lab/lup/known_hosts"), true);
        List<String> argv = SshCommands.ssh(new Ssh("admin", 2222, Path.of("/keys/db2"), true), Ipv4.parse("10.0.0.82"),
                lab, CONTROL, List.of("true"));
        assertThat(argv).containsSequence("-p", "2222").contains("StrictHostKeyChecking=yes",
                "UserKnownHostsFile=/var/lib/scaleup/lab/lup/known_hosts");
        assertThat(argv.subList(argv.size() - 3, argv.size())).containsExactly("admin@10.0.0.82", "--",
                "cd / && 'sudo' '-n' '--' 'true'");
    }

    @Test
    void everyWordReachesTheServerAsOneWordWhateverItHolds() {
        // the server's shell splits the line: each word single-quoted, a quote inside closed, escaped and reopened
        assertThat(SshCommands.remote(List.of("psql", "-c", "select 'a b'; $HOME `x`")))
                .isEqualTo("'psql' '-c' 'select '\\''a b'\\''; $HOME `x`'");
    }

    @Test
    void secretsTravelOnStandardInputNeverOnACommandLine() {
        List<String> command = SshCommands.withEnvFromStdin(List.of("psql", "-h", "/run/scaleup"));
        assertThat(command).containsExactly("sh", "-c",
                "while IFS= read -r v && [ -n \"$v\" ]; do export \"$v\"; done; exec \"$@\"", "sh", "psql", "-h",
                "/run/scaleup");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PGPASSWORD", "s3cret");
        env.put("PGUSER", "app");
        assertThat(SshCommands.envInput(env, "select 1;\n")).isEqualTo("PGPASSWORD=s3cret\nPGUSER=app\n\nselect 1;\n");
        assertThat(String.join(" ", command)).doesNotContain("s3cret");
        assertThatThrownBy(() -> SshCommands.envInput(Map.of("X", "two\nlines"), null))
                .hasMessageContaining("a value of one line");
    }

    @Test
    void processesAreSystemdUnitsAndLogsTheirJournal() {
        assertThat(SshCommands.mainPid("scaleup-app"))
                .containsExactly("systemctl", "show", "--property=MainPID", "--value", "scaleup-app.service");
        assertThat(SshCommands.systemctl("stop", "patroni")).containsExactly("systemctl", "stop", "patroni.service");
        assertThat(SshCommands.signalMain("haproxy", "USR2"))
                .containsExactly("systemctl", "kill", "--kill-whom=main", "--signal=USR2", "haproxy.service");
        // a fault kills every process of the unit's control group, in whichever hierarchy the server has it
        assertThat(SshCommands.killUnit("patroni")).hasSize(5).startsWith("sh", "-c").endsWith("sh", "patroni");
        assertThat(SshCommands.killUnit("patroni").get(2)).contains("systemctl show --property=ControlGroup --value")
                .contains("/sys/fs/cgroup/unified /sys/fs/cgroup/systemd").contains("kill -KILL $pids");
        String held = "/run/systemd/system/$u.service.d/scaleup-fault.conf";
        assertThat(SshCommands.holdDown(List.of("patroni"))).containsExactly("sh", "-c", "for u; do mkdir -p \"$(dirname "
                + held + ")\" && printf '# a drill holds this unit down until its restore\\n[Service]\\nRestart=no\\n' > \""
                + held + "\" || exit 1; done; systemctl daemon-reload", "sh", "patroni");
        assertThat(SshCommands.startStopped(List.of("etcd", "patroni"))).containsExactly("sh", "-c", "held=0; for u; do if"
                + " [ -e \"" + held + "\" ]; then rm -f \"" + held + "\"; held=1; fi; done; [ $held = 0 ] || systemctl"
                + " daemon-reload; for u; do if systemctl cat \"$u.service\" >/dev/null 2>&1 && ! systemctl is-active --quiet"
                + " \"$u.service\"; then systemctl start \"$u.service\" && echo \"$u\" || exit 1; fi; done", "sh", "etcd",
                "patroni");
        assertThat(SshCommands.journal("etcd", 20))
                .containsExactly("journalctl", "--unit=etcd.service", "--lines=20", "--no-pager", "--output=short-iso");
        assertThat(SshCommands.disableNow(List.of("etcd", "patroni"))).containsExactly("sh", "-c", "found=; for u; do if"
                + " systemctl cat \"$u.service\" >/dev/null 2>&1; then found=\"$found $u\"; fi; done; [ -z \"$found\" ] &&"
                + " exit 0; systemctl disable --now --quiet $(for u in $found; do echo \"$u.service\"; done) || exit 1;"
                + " for u in $found; do echo \"$u\"; done", "sh", "etcd", "patroni");
        assertThat(SshCommands.pidFromFile(Path.of("/run/scaleup/keepalived.pid"), "keepalived")).containsExactly("sh", "-c",
                "p=$(cat \"$1\" 2>/dev/null) && [ \"$(cat /proc/\"$p\"/comm 2>/dev/null)\" = \"$2\" ] && echo \"$p\"",
                "sh", "/run/scaleup/keepalived.pid", "keepalived");
        assertThat(SshCommands.processesOf("postgres")).containsExactly("pgrep", "--list-name", "--uid", "postgres");
    }

    @Test
    void eachProcessIsTheUnitTheProjectInstalls() {
        assertThat(HostsTarget.unit("haproxy")).contains("haproxy");
        assertThat(HostsTarget.unit("nginx")).contains("nginx");
        assertThat(HostsTarget.unit("app")).contains("scaleup-app");
        assertThat(HostsTarget.unit("patroni")).contains("patroni");
        assertThat(HostsTarget.unit("etcd")).contains("etcd");
        // HAProxy's master runs keepalived: no unit of its own
        assertThat(HostsTarget.unit("keepalived")).isEmpty();
    }

    @Test
    void aPidIsTrustedOnlyWhenAProcessRuns() {
        assertThat(HostsTarget.parsePid(new Exec.Result(List.of(), 0, "1234\n", ""))).contains(1234L);
        // systemd's MainPID of a stopped unit
        assertThat(HostsTarget.parsePid(new Exec.Result(List.of(), 0, "0\n", ""))).isEmpty();
        assertThat(HostsTarget.parsePid(new Exec.Result(List.of(), 1, "", ""))).isEmpty();
        assertThat(HostsTarget.parsePid(new Exec.Result(List.of(), 255, "", "ssh: connect to host: No route"))).isEmpty();
    }

    @Test
    void pgrepsLinesAreProcessesByName() {
        assertThat(HostsTarget.parseProcesses("812 patroni\n901 postgres\n\nnot a line\n"))
                .extracting(p -> p[0] + "/" + p[1]).containsExactly("812/patroni", "901/postgres");
    }

    @Test
    void aCutKeepsSshOpenSoTheServerCanBeMended() {
        assertThat(SshCommands.cut("host0", 22)).containsExactly("nft", "table inet scaleup_cut; delete table inet"
                + " scaleup_cut; table inet scaleup_cut { chain input { type filter hook input priority -20; policy accept;"
                + " iifname \"host0\" tcp dport 22 accept; iifname \"host0\" tcp sport 22 accept; iifname \"host0\" counter"
                + " drop; }; chain output { type filter hook output priority -20; policy accept; oifname \"host0\" tcp"
                + " dport 22 accept; oifname \"host0\" tcp sport 22 accept; oifname \"host0\" counter drop; }; }");
        assertThat(SshCommands.deleteCut()).containsExactly("nft", "delete", "table", "inet", "scaleup_cut");
    }

    @Test
    void preflightAsksDistributionReleaseAndUserInOneRound() {
        assertThat(SshCommands.preflight()).containsExactly("sh", "-c", ". /etc/os-release && echo \"$ID $VERSION_ID $(id -u)\"");
    }

    /** The command a server runs, run here by a real sh: a new file gets the mode, a replaced one keeps its own. */
    @Test
    void replacesAFileWholeKeepingTheModeOfTheOldOne(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("patroni.yml");
        Exec.run(SshCommands.replaceFile(file, 0600), java.time.Duration.ofSeconds(10), "one\n").orThrow();
        assertThat(java.nio.file.Files.readString(file)).isEqualTo("one\n");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(java.nio.file.Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        java.nio.file.Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
        Exec.run(SshCommands.replaceFile(file, 0644), java.time.Duration.ofSeconds(10), "two\n").orThrow();
        assertThat(java.nio.file.Files.readString(file)).isEqualTo("two\n");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(java.nio.file.Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-r-----");
        assertThat(dir.resolve("patroni.yml.new")).doesNotExist();
    }

    @Test
    void readsTheChecksumsSha256sumPrintsAndMatchesItsOwn(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("nginx.conf");
        java.nio.file.Files.writeString(file, "events {}\n");
        Exec.Result result = Exec.run(SshCommands.sha256sum(List.of(file.toString(), dir.resolve("missing").toString())),
                java.time.Duration.ofSeconds(10), null);
        assertThat(result.exitCode()).isEqualTo(1); // the missing file
        assertThat(SshCommands.checksums(result.stdout())).containsExactly(
                Map.entry(file.toString(), SshCommands.sha256("events {}\n")));
    }
}
