package dev.scaleup.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rendered configs pass the real tools' own checks (haproxy -c, nginx -t, keepalived -t, postgres -C), run with
 * the argv from {@link ConfigCheck}; and deliberately broken configs fail them, so these tests can fail. Skipped with
 * the reason when a tool or root is missing, failed instead when CI=true.
 */
class ConfigCheckTest {

    @TempDir
    Path tmp;

    static Stream<Topology> topologies() {
        return Stream.of(
                Fixtures.defaultTopology(),
                RenderersTest.BIG.withEdge(new dev.scaleup.topology.Edge(8443, true, 500, 0, "shop.example", null, null)));
    }

    // ---- haproxy

    @ParameterizedTest
    @MethodSource("topologies")
    void haproxyAcceptsEveryLoadBalancerConfig(Topology t) {
        for (Host lb : t.hosts(Role.LB)) {
            assertAccepted(t, lb, HaproxyConfig.FILE, UnaryOperator.identity());
        }
    }

    @Test
    void haproxyRejectsABrokenConfig() {
        Topology t = Fixtures.defaultTopology();
        assertRejected(t, Fixtures.host(t, "lb1"), HaproxyConfig.FILE,
                text -> text.replace("balance roundrobin", "balance whenever"), "balance only supports");
    }

    @Test
    void haproxyCheckTreatsWarningsAsErrors() {
        Topology t = Fixtures.defaultTopology();
        // a frontend in http mode without "timeout client" is only a warning for haproxy -c; -dW makes it fatal
        assertRejected(t, Fixtures.host(t, "lb1"), HaproxyConfig.FILE,
                text -> text.replace("    timeout client 30s\n", ""), "timeout");
    }

    // ---- keepalived

    @ParameterizedTest
    @MethodSource("topologies")
    void keepalivedAcceptsEveryLoadBalancerConfig(Topology t) {
        for (Host lb : t.hosts(Role.LB)) {
            assertAccepted(t, lb, KeepalivedConfig.FILE, UnaryOperator.identity());
        }
    }

    @Test
    void keepalivedRejectsABrokenConfig() {
        Topology t = Fixtures.defaultTopology();
        assertRejected(t, Fixtures.host(t, "lb2"), KeepalivedConfig.FILE,
                text -> text.replace("    advert_int 0.05\n", "    advert_int 0.05\n    no_such_keyword 1\n"), "no_such_keyword");
    }

    @Test
    void theSplitBrainCheckIsAShellScriptShAccepts() {
        Topology t = Fixtures.defaultTopology();
        assertAccepted(t, Fixtures.host(t, "lb2"), VipCheck.FILE, UnaryOperator.identity());
        assertRejected(t, Fixtures.host(t, "lb2"), VipCheck.FILE, text -> text.replace("    exit 1\nfi\n", "    exit 1\n"),
                "end of file");
    }

    @Test
    void keepalivedCheckFailsWhenTheConfigFileIsMissing() {
        Topology t = Fixtures.defaultTopology();
        Host lb1 = Fixtures.host(t, "lb1");
        HostPaths paths = new HostPaths(tmp.resolve("hosts/lb1"));
        Tools.install(paths, List.of());
        List<String> argv = inHostNamespace(t, lb1, ConfigCheck.keepalived(paths, ConfigCheckTest::program));
        Tools.Result result = Tools.run(argv);
        assertThat(result.exitCode()).as(Tools.describe(argv, result)).isNotZero();
        assertThat(result.output()).as(Tools.describe(argv, result)).contains("missing");
    }

    // ---- nginx

    @ParameterizedTest
    @MethodSource("topologies")
    void nginxAcceptsEveryWebConfig(Topology t) {
        Tools.requireRoot("nginx -t with 'user www-data' (workers switch user)");
        for (Host web : t.hosts(Role.WEB)) {
            Tools.Result result = assertAccepted(t, web, NginxConfig.FILE, UnaryOperator.identity());
            assertThat(result.output()).as("nginx -t output").doesNotContain("[warn]", "[emerg]", "[alert]");
        }
    }

    @Test
    void nginxRejectsABrokenConfig() {
        Tools.requireRoot("nginx -t with 'user www-data' (workers switch user)");
        Topology t = Fixtures.defaultTopology();
        assertRejected(t, Fixtures.host(t, "web1"), NginxConfig.FILE,
                text -> text.replace("keepalive 32;", "keepalive 32"), "[emerg]");
    }

    // ---- nftables

    @ParameterizedTest
    @MethodSource("topologies")
    void nftAcceptsEveryHostsFirewall(Topology t) {
        Tools.requireRoot("nft -c asks the kernel to check the rules");
        for (Host host : t.hosts()) {
            assertAccepted(t, host, FirewallConfig.FILE, UnaryOperator.identity());
        }
    }

    @Test
    void nftRejectsABrokenFirewall() {
        Tools.requireRoot("nft -c asks the kernel to check the rules");
        Topology t = Fixtures.defaultTopology();
        assertRejected(t, Fixtures.host(t, "db1"), FirewallConfig.FILE,
                text -> text.replace("policy drop;", "policy dorp;"), "dorp");
    }

    // ---- patroni

    @ParameterizedTest
    @MethodSource("topologies")
    void patroniAcceptsEveryDatabaseConfig(Topology t) throws IOException {
        requirePatroni();
        // one db host per topology: the files of a tier differ only in addresses, and each run waits ~6 s on etcd
        for (Host db : t.hosts(Role.DB).subList(0, 1)) {
            // the validator also connects to every etcd member; none runs here (up starts etcd before Patroni and
            // runs this check then), so the only problems allowed are the unreachable etcd hosts, one line each
            List<String> argv = prepare(t, db, PatroniConfig.FILE, UnaryOperator.identity());
            Tools.Result result = Tools.run(argv);
            List<String> problems = result.output().lines().filter(l -> !l.isBlank())
                    .filter(l -> !l.matches("etcd3?\\.hosts\\.\\d+ \\S+ didn't pass validation: '\\S+ is not reachable'"))
                    .toList();
            assertThat(problems).as("patroni --validate-config of %s:%n%s", db.name(), Tools.describe(argv, result)).isEmpty();
        }
    }

    @Test
    void patroniRejectsABrokenConfig() throws IOException {
        requirePatroni();
        Topology t = Fixtures.defaultTopology();
        assertRejected(t, Fixtures.host(t, "db2"), PatroniConfig.FILE,
                text -> text.replace("loop_wait: 1", "loop_wait: soon"), "loop_wait");
    }

    private void requirePatroni() throws IOException {
        Tools.requireRoot("patroni --validate-config runs as the postgres user via runuser");
        Tools.require("runuser");
        Tools.require("patroni");
        if (Tools.run(List.of("id", "-u", "postgres")).exitCode() != 0) {
            Tools.unavailable("there is no postgres user");
        }
        // the postgres user has to reach the config files below the temp directory
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    // ---- helpers

    private Tools.Result assertAccepted(Topology t, Host host, String fileName, UnaryOperator<String> edit) {
        List<String> argv = prepare(t, host, fileName, edit);
        Tools.Result result = Tools.run(argv);
        assertThat(result.exitCode())
                .as("%s of %s (deployment %s) rejected:%n%s", fileName, host.name(), t.name(), Tools.describe(argv, result))
                .isZero();
        return result;
    }

    /** The broken file fails the check, and the tool's output names the problem (so it failed for that reason). */
    private void assertRejected(Topology t, Host host, String fileName, UnaryOperator<String> breakIt, String expectedInOutput) {
        // the edit must actually change something, or the test proves nothing
        String original = render(t, host, fileName).content();
        assertThat(breakIt.apply(original)).as("broken %s", fileName).isNotEqualTo(original);
        List<String> argv = prepare(t, host, fileName, breakIt);
        Tools.Result result = Tools.run(argv);
        assertThat(result.exitCode())
                .as("broken %s of %s was accepted:%n%s", fileName, host.name(), Tools.describe(argv, result))
                .isNotZero();
        assertThat(result.output()).as("output of %s", Tools.describe(argv, result)).contains(expectedInOutput);
    }

    /** Writes all of the host's files (fileName edited) under tmp/hosts/<host>/ and returns the check's argv. */
    private List<String> prepare(Topology t, Host host, String fileName, UnaryOperator<String> edit) {
        HostPaths paths = new HostPaths(tmp.resolve("hosts").resolve(host.name()));
        List<RenderedFile> files = new ArrayList<>();
        for (RenderedFile file : Renderers.forHost(t, host, paths, Fixtures.SECRETS)) {
            files.add(file.name().equals(fileName) ? new RenderedFile(file.name(), edit.apply(file.content()), file.mode()) : file);
        }
        Tools.install(paths, files);
        if (fileName.equals(HaproxyConfig.FILE)) {
            installTestCertificate(paths);
        }
        RenderedFile file = files.stream().filter(f -> f.name().equals(fileName)).findFirst().orElseThrow();
        List<String> argv = ConfigCheck.command(file, paths, ConfigCheckTest::program).orElseThrow();
        if (fileName.equals(PatroniConfig.FILE)) {
            Tools.run(List.of("chown", "-R", "postgres:postgres", paths.root().toString()));
        }
        return fileName.equals(KeepalivedConfig.FILE) || fileName.equals(NginxConfig.FILE) || fileName.equals(PatroniConfig.FILE)
                || fileName.equals(FirewallConfig.FILE) ? inHostNamespace(t, host, argv) : argv;
    }

    /** HAProxy loads the certificate at the VIP when it checks its config: a throwaway one made by openssl. */
    private void installTestCertificate(HostPaths paths) {
        String openssl = Tools.require("openssl");
        Path key = tmp.resolve("test.key");
        Path cert = tmp.resolve("test.crt");
        if (!Files.exists(cert)) {
            List<String> argv = List.of(openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "1", "-subj", "/CN=test");
            Tools.Result result = Tools.run(argv);
            assertThat(result.exitCode()).as(Tools.describe(argv, result)).isZero();
        }
        try {
            Files.writeString(paths.conf(Tls.PEM_FILE), Files.readString(cert) + Files.readString(key));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static RenderedFile render(Topology t, Host host, String fileName) {
        return Renderers.forHost(t, host, Fixtures.goldenPaths(host), Fixtures.SECRETS).stream()
                .filter(f -> f.name().equals(fileName)).findFirst().orElseThrow();
    }

    /** Bare program name to its installed path; skips (fails on CI) when it is missing. */
    private static String program(String name) {
        return Tools.require(name);
    }

    /**
     * keepalived -t fails when eth0 does not exist, and nginx -t binds its listen address (it only tolerates "address
     * in use"). The runtime runs both checks inside the host's namespace; here, as root, they run in a fresh network
     * namespace with a veth called eth0 holding the host's address, like the host's. Without root keepalived's check
     * runs directly when this machine happens to have an eth0.
     */
    private static List<String> inHostNamespace(Topology t, Host host, List<String> argv) {
        if (!Tools.isRoot() && Files.exists(Path.of("/sys/class/net", KeepalivedConfig.INTERFACE))
                && argv.get(0).endsWith("keepalived")) {
            return argv;
        }
        Tools.requireRoot("the check runs in a new network namespace that has the host's eth0 and address");
        String ip = Tools.require("ip");
        String setup = String.join(" && ",
                ip + " link add eth0 type veth peer name eth0peer",
                ip + " addr add " + host.address() + "/" + t.network().subnet().prefix() + " dev eth0",
                ip + " link set eth0peer up",
                ip + " link set eth0 up",
                ip + " link set lo up",
                "exec \"$@\"");
        List<String> wrapped = new ArrayList<>(List.of(Tools.require("unshare"), "-n", "sh", "-c", setup, "sh"));
        wrapped.addAll(argv);
        return wrapped;
    }
}
