package dev.scaleup.it;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scaleup.ops.TopologyStore;
import dev.scaleup.ops.VipAccess;
import dev.scaleup.runtime.Exec;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Topology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * A real stack for the integration tests, under its own name and /24 so that it meets neither an operator's stack nor
 * another test's. A test class takes one with {@code @RegisterExtension static final TestStack STACK = TestStack.SECIT;}.
 * The first class that needs it brings it up (with the CLI, as an operator does); the classes after it in the same
 * failsafe JVM share it ({@link StackOrder} runs the classes of one stack one after the other). It is taken down when a
 * class needs another stack (the machine has room for one at a time) and at the end of the test plan, also when a
 * test failed; then the host logs are kept under {@code target/<work>/logs/} first.
 *
 * <pre>
 *   DOWN ──a class needs it──▶ UP ──another stack needed, end of the test plan, down()──▶ DOWN
 *     └──────up failed──────▶ BROKEN (each of its classes fails with up's error) ──same──▶ DOWN
 * </pre>
 *
 * <p>A test that changes the stack puts it back before it ends ({@link #upWith} does it for a changed topology), so
 * that every test can run alone or in any order.
 */
final class TestStack implements BeforeAllCallback, TestWatcher {

    static final TestStack SCIT = new TestStack("scit", "198.19.7", "stack-it");
    static final TestStack SECIT = new TestStack("secit", "198.19.6", "security-it");
    static final TestStack DRIT = new TestStack("drit", "198.19.8", "drill-it");
    /** With PgBouncer on the db hosts; no backups, no monitoring, one web and two app hosts: the db tier is the point. */
    static final TestStack POOLIT = new TestStack("poolit", "198.19.12", "pooler-it", """
            web:
              count: 1
            app:
              count: 2
            db:
              pooler: true
            backup:
              enabled: false
            monitoring:
              enabled: false
            """);
    /** Every stack, in the order {@link StackOrder} runs their classes. */
    static final List<TestStack> ALL = List.of(SCIT, SECIT, DRIT, POOLIT);

    static final ObjectMapper JSON = new ObjectMapper();

    private enum State { DOWN, UP, BROKEN }

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(TestStack.class);
    /** The stack that is up (or broken) now; guarded by TestStack.class. */
    private static TestStack current;

    private final String name;
    private final String network;
    private final Path work;
    /** Keys added to the default topology, as YAML. */
    private final String extraYaml;
    private State state = State.DOWN;
    private volatile boolean failed;
    private Cli.Run firstUp;
    private Topology topology;
    private SSLContext tls;
    private HttpClient https;

    /**
     * @param network the first three octets of its /24 (the VIP is .100)
     * @param workDir its directory under target/: the topology file, the state, what the tests keep
     */
    private TestStack(String name, String network, String workDir) {
        this(name, network, workDir, "");
    }

    private TestStack(String name, String network, String workDir, String extraYaml) {
        this.extraYaml = requireNonNull(extraYaml, "extraYaml is null");
        this.name = requireNonNull(name, "name is null");
        this.network = requireNonNull(network, "network is null");
        this.work = Path.of("target", requireNonNull(workDir, "workDir is null")).toAbsolutePath();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        RootOnly.require();
        // closed (AutoCloseable) when the whole test plan has run, whatever failed
        context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Closer.class, k -> new Closer(), Closer.class);
        synchronized (TestStack.class) {
            if (current != null && current != this) {
                current.close();
            }
            current = this;
            if (state == State.DOWN) {
                bringUp();
            }
        }
        assertThat(state).as(name + ": up failed:\n" + firstUp.out() + firstUp.err()).isEqualTo(State.UP);
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        failed = true;
    }

    private void bringUp() throws IOException {
        Files.createDirectories(work);
        cli("down"); // whatever a run that was killed left behind
        Files.writeString(file(), """
                # the default stack under its own name and subnet (and the stack's own keys after site)
                name: %s
                network:
                  subnet: %s.0/24
                  vip: %s.100
                site: %s
                """.formatted(name, network, network, RootOnly.repoRoot().resolve("site")) + extraYaml);
        firstUp = up();
        if (firstUp.exitCode() != 0) {
            failed = true;
            state = State.BROKEN;
            return;
        }
        topology = TopologyStore.load(state().resolve("topology.json"));
        // a new CA with every new stack: clients of an earlier one must not be reused
        tls = VipAccess.trusting(ca());
        https = newHttpsClient();
        state = State.UP;
    }

    /** Takes the stack down (keeping the host logs first when a test failed) and returns what down printed. */
    Cli.Run down() {
        if (failed) {
            HostLogs.keep(state(), work.resolve("logs"));
        }
        state = State.DOWN;
        topology = null;
        tls = null;
        https = null;
        return cli("down");
    }

    private void close() {
        if (state != State.DOWN) {
            Cli.Run down = down();
            assertThat(down.exitCode()).as(name + ": down failed:\n" + down.err()).isZero();
        }
    }

    /** Takes down the stack that is up at the end of the test plan. */
    private static final class Closer implements AutoCloseable {
        @Override
        public void close() {
            synchronized (TestStack.class) {
                if (current != null) {
                    current.close();
                    current = null;
                }
            }
        }
    }

    /** Its directory under target/ (CI keeps target/ of a failed run). */
    Path work() {
        return work;
    }

    /** The state directory, as given to the CLI. */
    Path state() {
        return work.resolve("state");
    }

    /** The state directory's real path (it may be a link to /var/lib/scaleup, for the servers' own users). */
    Path real() {
        try {
            return state().toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Its topology file, the one the first up ran with. */
    Path file() {
        return work.resolve(name + ".yaml");
    }

    /** The topology of its first up (the one a test that changed it puts back). */
    Topology topology() {
        return requireNonNull(topology, name + " is not up");
    }

    /** What its first up printed. */
    Cli.Run firstUp() {
        return firstUp;
    }

    /** Runs the CLI on this stack's state directory. */
    Cli.Run cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--state-dir", state().toString()));
        return Cli.run(all.toArray(String[]::new));
    }

    /** Runs up with the original topology: on a stack a test changed, it puts the stack back. */
    Cli.Run up() {
        return cli("up", "-f", file().toString());
    }

    /**
     * Runs up with the original topology plus {@code yaml} (top-level sections it does not have); closing the result
     * puts the original back, so a test writes {@code try (var change = STACK.upWith(...)) { ... }}.
     */
    Change upWith(String yaml) throws IOException {
        Path changed = work.resolve(name + "-changed.yaml");
        Files.writeString(changed, Files.readString(file()) + yaml);
        return new Change(this, cli("up", "-f", changed.toString()));
    }

    /** The up of a changed topology; {@link #close()} puts the original back and fails when that up fails. */
    record Change(TestStack stack, Cli.Run up) implements AutoCloseable {
        Change {
            requireNonNull(stack, "stack is null");
            requireNonNull(up, "up is null");
        }

        @Override
        public void close() {
            Cli.Run back = stack.up();
            assertThat(back.exitCode()).as("up with the original topology:\n" + back.err()).isZero();
        }
    }

    /** Its TLS directory: the CA's certificate, the private keys under private/. */
    Path tlsDir() {
        return real().resolve("tls");
    }

    /** The certificate of the stack's own CA. */
    Path ca() {
        return tlsDir().resolve("ca.crt");
    }

    /** An SSL context that trusts the stack's CA and nothing else. */
    SSLContext tls() {
        return requireNonNull(tls, name + " is not up");
    }

    /** An HTTP client that trusts the stack's CA and nothing else (redirects are not followed). */
    HttpClient https() {
        return requireNonNull(https, name + " is not up");
    }

    /**
     * A new HTTP client that trusts the stack's CA and nothing else (redirects are not followed). It has no connection
     * yet, so after an HAProxy reload its requests reach the new worker, where {@link #https()}'s kept connections may
     * still be answered by the old one.
     */
    HttpClient newHttpsClient() {
        return HttpClient.newBuilder().sslContext(tls()).connectTimeout(Duration.ofSeconds(3))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The site's URL for {@code path}: HTTPS at the VIP, as a browser reaches it. */
    String site(String path) {
        return VipAccess.httpsUrl(topology()) + path;
    }

    /** The URL for {@code path} on the VIP's plain HTTP port. */
    String plainSite(String path) {
        return VipAccess.httpUrl(topology()) + path;
    }

    /** GET {@code path} of the site, the certificate checked against the stack's CA. */
    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return get(https(), path);
    }

    /** GET {@code path} of the site with {@code client}. */
    HttpResponse<String> get(HttpClient client, String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(site(path))).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** status --json. */
    JsonNode status() throws IOException {
        return JSON.readTree(cli("status", "--json").out());
    }

    /** Every server process of the stack now: host/process → pid, from status --json. */
    Map<String, Long> pids() throws IOException {
        Map<String, Long> pids = new TreeMap<>();
        for (JsonNode host : status().path("hosts")) {
            for (JsonNode process : host.path("processes")) {
                pids.put(host.path("name").asText() + "/" + process.path("name").asText(), process.path("pid").asLong());
            }
        }
        return pids;
    }

    /** The db host that is primary now (Patroni lets whichever wins the first race initialize the cluster). */
    Host primary() throws IOException {
        return dbHost("primary");
    }

    /** The db host that is a replica now. */
    Host replica() throws IOException {
        return dbHost("replica");
    }

    private Host dbHost(String role) throws IOException {
        JsonNode status = status();
        for (JsonNode host : status.path("hosts")) {
            if (host.path("db_role").asText().equals(role)) {
                return topology().host(host.path("name").asText()).orElseThrow();
            }
        }
        throw new AssertionError("no " + role + " in " + status);
    }

    /** A query as postgres over the db host's unix socket ({@code -A -t}: the bare values). */
    Exec.Result psql(Host db, String database, String sql) {
        return psql(db, topology().db().port(), database, sql);
    }

    /** The same on another port's socket: PgBouncer's admin console is database pgbouncer on its port. */
    Exec.Result psql(Host db, int port, String database, String sql) {
        return psqlAs(db, port, "postgres", database, List.of(sql));
    }

    /** As the OS user postgres logged in as {@code user} (pg_ident.conf maps it), each statement in turn. */
    Exec.Result psqlAs(Host db, int port, String user, String database, List<String> statements) {
        List<String> command = new java.util.ArrayList<>(List.of("setpriv", "--reuid=postgres", "--regid=postgres",
                "--init-groups", "/usr/lib/postgresql/15/bin/psql", "-X", "-A", "-t", "-h",
                real().resolve("hosts/" + db.name() + "/run").toString(), "-p", Integer.toString(port), "-U", user,
                "-d", database));
        statements.forEach(sql -> command.addAll(List.of("-c", sql)));
        return Exec.run(command);
    }

    /**
     * psql over TCP from a host's namespace to a db host's port (the password in its environment): current_user, or
     * the error.
     */
    String psqlFrom(String fromHost, Host db, int port, String user, String password, String database)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("ip", "netns", "exec", topology().name() + "-" + fromHost,
                "/usr/lib/postgresql/15/bin/psql", "-X", "-A", "-t", "-h", db.address().toString(),
                "-p", Integer.toString(port), "-U", user, "-d", database, "-c", "SELECT current_user")
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("PGPASSWORD", password);
        builder.environment().put("PGCONNECT_TIMEOUT", "3");
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                .strip();
        process.waitFor();
        return out;
    }
}
