package dev.scaleup.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleup.runtime.Exec;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the control plane checks the VIP's certificate: real TLS handshakes on loopback against a server whose
 * certificate (made by openssl, signed by a CA of the test's own) names only a DNS name, not the address connected to.
 */
class VipAccessTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void certificates() {
        for (String ca : List.of("ca", "other-ca")) {
            openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                    ca + ".key", "-out", ca + ".crt", "-days", "2", "-subj", "/CN=" + ca);
        }
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "server.key",
                "-out", "server.csr", "-subj", "/CN=own.example");
        write("server.ext", "subjectAltName=DNS:own.example\nbasicConstraints=critical,CA:FALSE\n"
                + "extendedKeyUsage=serverAuth\n");
        openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.crt", "-days", "2", "-extfile", "server.ext");
        openssl("pkcs12", "-export", "-inkey", "server.key", "-in", "server.crt", "-out", "server.p12",
                "-passout", "pass:test");
    }

    static void openssl(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("bash", "-c", "cd \"$0\" && exec openssl \"$@\"",
                dir.toString()));
        command.addAll(List.of(args));
        Exec.Result r = Exec.run(command, java.time.Duration.ofSeconds(30), null);
        assertThat(r.ok()).as("openssl " + String.join(" ", args) + ": " + r.stderr()).isTrue();
    }

    static void write(String name, String content) {
        try {
            Files.writeString(dir.resolve(name), content);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A handshake as java.net.http does it: the address connected to is checked unless the trust manager decides. */
    static void handshake(SSLContext client) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("server.p12"))) {
            keys.load(in, "test".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "test".toCharArray());
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(kmf.getKeyManagers(), null, null);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0, 1, loopback);
             var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> accepted = executor.submit(() -> {
                try (SSLSocket s = (SSLSocket) listener.accept()) {
                    s.setSoTimeout(5000);
                    s.startHandshake();
                    s.getInputStream().read();
                } catch (Exception e) {
                    // the client gave up: its side says why
                }
                return null;
            });
            try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket(loopback, listener.getLocalPort())) {
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(parameters);
                socket.setSoTimeout(5000);
                socket.startHandshake();
            }
            accepted.get();
        }
    }

    @Test
    void aCertificateForTheTlsNameIsAcceptedAtTheVipsAddress() throws Exception {
        handshake(VipAccess.trusting(dir.resolve("ca.crt"), List.of("198.18.0.100", "own.example")));
    }

    @Test
    void aCertificateNamingNeitherTheVipNorTheTlsNameIsRefused() {
        assertThatThrownBy(() -> handshake(VipAccess.trusting(dir.resolve("ca.crt"), List.of("198.18.0.100", "shop.test"))))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void aCertificateOfAnotherCaIsRefused() {
        assertThatThrownBy(() -> handshake(VipAccess.trusting(dir.resolve("other-ca.crt"), List.of("own.example"))))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void withoutNamesTheAddressConnectedToMustBeInTheCertificate() {
        assertThatThrownBy(() -> handshake(VipAccess.trusting(dir.resolve("ca.crt"))))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void theOperatorsCertificateFileIsItsOwnTrustAnchor() throws Exception {
        handshake(VipAccess.trusting(dir.resolve("server.crt"), List.of("own.example")));
    }
}
