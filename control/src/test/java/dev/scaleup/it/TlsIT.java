package dev.scaleup.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleup.render.HaproxyConfig;
import dev.scaleup.render.HostPaths;
import dev.scaleup.runtime.Exec;
import dev.scaleup.topology.Edge;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Encryption at the edge: HTTPS with a certificate for the VIP from the deployment's CA, only TLS 1.2 and 1.3 with
 * modern ciphers, plain HTTP redirected, an operator's own certificate (the shared secit stack; docs/SECURITY.md). A
 * test that switches the redirect off or serves its own certificate puts the original back before it ends.
 */
class TlsIT {

    @RegisterExtension
    static final TestStack STACK = TestStack.SECIT;

    private final Topology topology = STACK.topology();

    @Test
    void httpsServesTheWholeStackWithACertificateForTheVipFromTheDeploymentsCa() throws Exception {
        assertThat(STACK.firstUp().out()).contains("curl --cacert " + STACK.ca());
        var client = STACK.https();
        var page = get(client, STACK.site("/"));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.version()).as("ALPN").isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(page.headers().firstValue("Strict-Transport-Security")).hasValue("max-age=63072000");
        assertThat(get(client, STACK.site("/api/info")).statusCode()).isEqualTo(200);
        var created = client.send(HttpRequest.newBuilder(URI.create(STACK.site("/api/users")))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"email\":\"tls-" + Long.toString(System.nanoTime(), 36) + "@x.test\",\"password\":\"correct-horse-1\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

        // the certificate: for the VIP (IP SAN; Java checks it against the URL's host) and lb.tls_name, from the CA
        SSLSession session = page.sslSession().orElseThrow();
        assertThat(session.getProtocol()).isEqualTo("TLSv1.3");
        var served = (X509Certificate) session.getPeerCertificates()[0];
        List<String> names = served.getSubjectAlternativeNames().stream().map(n -> n.get(0) + "=" + n.get(1)).toList();
        assertThat(names).containsExactlyInAnyOrder("7=" + topology.network().vip(), "2=" + topology.lb().edge().tlsName());
        X509Certificate ca;
        try (var in = Files.newInputStream(STACK.ca())) {
            ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        served.verify(ca.getPublicKey());
        served.checkValidity();
        assertThat(served.getBasicConstraints()).as("not a CA").isEqualTo(-1);

        // the DNS name verifies too (openssl, with SNI)
        String byName = Openssl.run(List.of("s_client", "-connect", topology.network().vip() + ":" + topology.lb().edge().httpsPort(),
                "-servername", topology.lb().edge().tlsName(), "-verify_hostname", topology.lb().edge().tlsName(),
                "-CAfile", STACK.ca().toString(), "-verify_return_error"));
        assertThat(byName).contains("Verify return code: 0 (ok)");

        // a client that does not trust the CA refuses the connection
        assertThatThrownBy(() -> get(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build(), STACK.site("/")))
                .isInstanceOf(SSLHandshakeException.class);

        // keys are only the owner's
        for (Path key : List.of(STACK.tlsDir().resolve("private/ca.key"), STACK.tlsDir().resolve("private/server.key"))) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(STACK.tlsDir().resolve("private"))))
                .isEqualTo("rwx------");
        for (Host lb : topology.hosts(Role.LB)) {
            Path pem = STACK.real().resolve("hosts/" + lb.name() + "/conf/tls.pem");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pem))).isEqualTo("rw-------");
        }
    }

    @Test
    void onlyTls12And13WithModernCiphersAreAccepted() throws Exception {
        String vip = topology.network().vip() + ":" + topology.lb().edge().httpsPort();
        String ca = STACK.ca().toString();
        // this openssl client can speak TLS 1.0 and 1.1 (seclevel 0, no system config): shown against a local server
        try (Openssl.Server control = Openssl.Server.start(STACK.work().resolve("control-server"))) {
            assertThat(Openssl.run(List.of("s_client", "-tls1", "-cipher", "ALL:@SECLEVEL=0", "-connect", control.address())))
                    .contains("Protocol  : TLSv1\n").doesNotContain("Cipher is (NONE)");
        }
        for (String old : List.of("-tls1", "-tls1_1")) {
            String out = Openssl.run(List.of("s_client", old, "-cipher", "ALL:@SECLEVEL=0", "-connect", vip));
            assertThat(out).as(old).contains("alert protocol version").contains("Cipher is (NONE)");
        }
        String weak = Openssl.run(List.of("s_client", "-tls1_2", "-cipher", "AES128-SHA:DES-CBC3-SHA:@SECLEVEL=0", "-connect", vip));
        assertThat(weak).as("TLS 1.2 without forward secrecy").contains("alert handshake failure").contains("Cipher is (NONE)");
        String tls12 = Openssl.run(List.of("s_client", "-tls1_2", "-connect", vip, "-CAfile", ca, "-verify_return_error"));
        assertThat(tls12).contains("Protocol  : TLSv1.2").containsPattern("Cipher is ECDHE-(ECDSA|RSA)-(AES\\d+-GCM|CHACHA20)")
                .contains("Verify return code: 0 (ok)");
        String tls13 = Openssl.run(List.of("s_client", "-tls1_3", "-connect", vip, "-CAfile", ca, "-verify_return_error"));
        assertThat(tls13).contains("New, TLSv1.3").contains("Verify return code: 0 (ok)");
    }

    @Test
    void plainHttpIsRedirectedByDefaultNeverTheHealthCheckAndServedWhenSwitchedOff() throws Exception {
        var plain = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        assertThat(topology.lb().edge().httpsRedirect()).as("on by default").isTrue();
        var page = get(plain, STACK.plainSite("/api/info?x=1"));
        assertThat(page.statusCode()).isEqualTo(301);
        assertThat(page.headers().firstValue("Location")).hasValue(STACK.site("/api/info?x=1"));
        assertThat(page.headers().firstValue("Strict-Transport-Security")).as("not over HTTP").isEmpty();
        var post = STACK.https().send(HttpRequest.newBuilder(URI.create(STACK.plainSite("/api/visits")))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).as("a write over plain HTTP is not served either").isEqualTo(301);
        assertThat(get(plain, STACK.plainSite("/nginx-health")).statusCode()).as("health checks stay on HTTP").isEqualTo(200);
        // switched off: the load balancers' config as up renders it with lb.https_redirect: false, reloaded
        Edge edge = topology.lb().edge();
        try {
            reloadHaproxy(topology.withEdge(new Edge(edge.httpsPort(), false, edge.rateLimitPer10s(), edge.authRateLimitPer10s(), edge.tlsName(),
                    edge.tlsCert(), edge.tlsKey())));
            int status = 0;
            for (int i = 0; i < 50 && status != 200; i++) {
                Thread.sleep(200); // the old worker may answer for a moment after the reload
                status = get(plain, STACK.plainSite("/")).statusCode();
            }
            assertThat(status).as("plain HTTP served when switched off").isEqualTo(200);
            assertThat(STACK.get("/").statusCode()).isEqualTo(200);
        } finally {
            Cli.Run up = STACK.up();
            assertThat(up.exitCode()).as(up.err()).isZero();
            assertThat(up.out()).contains("reloaded haproxy");
        }
        int status = 0;
        for (int i = 0; i < 50 && status != 301; i++) {
            Thread.sleep(200);
            status = get(plain, STACK.plainSite("/")).statusCode();
        }
        assertThat(status).as("redirected again").isEqualTo(301);
    }

    @Test
    void theOperatorsOwnCertificateIsServedInstead() throws Exception {
        Path own = Files.createDirectories(STACK.work().resolve("own"));
        Exec.run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", own.resolve("own.key").toString(), "-out", own.resolve("own.crt").toString(), "-days", "2",
                "-subj", "/CN=own.example", "-addext", "subjectAltName=DNS:own.example")).orThrow();
        // a certificate for a DNS name only, as real ones are: up's own check of the site over HTTPS accepts it because
        // it names lb.tls_name (it does not name the VIP's address)
        try (TestStack.Change up = STACK.upWith("lb:\n  tls_name: own.example\n  tls_cert: " + own.resolve("own.crt")
                + "\n  tls_key: " + own.resolve("own.key") + "\n")) {
            assertThat(up.up().exitCode()).as(up.up().err()).isZero();
            assertThat(up.up().out()).contains("lb1: new certificate in conf/tls.pem; reloaded haproxy")
                    .contains("serves your certificate " + own.resolve("own.crt"));
            // HAProxy's reload is asynchronous: the new worker takes over new connections a moment later
            String served = "";
            for (int i = 0; i < 50 && !served.contains("subject=CN = own.example"); i++) {
                Thread.sleep(200);
                served = Openssl.run(List.of("s_client", "-connect", topology.network().vip() + ":" + topology.lb().edge().httpsPort(),
                        "-CAfile", own.resolve("own.crt").toString(), "-verify_return_error"));
            }
            assertThat(served).contains("subject=CN = own.example").contains("Verify return code: 0 (ok)");
        }
        Exception last = null;
        for (int i = 0; i < 50; i++) {
            try {
                assertThat(STACK.get("/").statusCode()).as("the CA's certificate again").isEqualTo(200);
                last = null;
                break;
            } catch (SSLHandshakeException e) {
                last = e; // the old worker still answers for a moment
                Thread.sleep(200);
            }
        }
        assertThat(last).as("the CA's certificate is served again").isNull();
    }

    /** Renders every load balancer's haproxy.cfg for {@code t} and has HAProxy reload it (USR2 to its master). */
    private static void reloadHaproxy(Topology t) throws Exception {
        for (Host lb : t.hosts(Role.LB)) {
            var paths = new HostPaths(STACK.real().resolve("hosts").resolve(lb.name()));
            Files.writeString(paths.conf("haproxy.cfg"), HaproxyConfig.render(t, lb, paths).content());
            String pid = Files.readString(paths.pidFile("haproxy")).strip();
            Exec.run(List.of("kill", "-USR2", pid)).orThrow();
        }
        Thread.sleep(1500);
    }

    private static HttpResponse<String> get(HttpClient client, String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
