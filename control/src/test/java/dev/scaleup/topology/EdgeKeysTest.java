package dev.scaleup.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lb keys of TLS, redirect and rate limit (Edge). */
class EdgeKeysTest {

    @TempDir
    Path dir;

    Topology parse(String yaml) {
        return TopologyLoader.parse(yaml, dir, dir.resolve("scaleup.yaml"));
    }

    @Test
    void defaultsAreTlsOn443WithAGeneratedCertificateTheRedirectNoLimit() {
        Edge edge = parse("name: shop\n").lb().edge();
        assertThat(edge).isEqualTo(new Edge(443, true, 0, 30, "shop.test", null, null));
        assertThat(parse("lb:\n  https_redirect: false\n").lb().edge().httpsRedirect()).isFalse();
        assertThat(edge.ownCertificate()).isFalse();
        assertThat(parse("").lb().edge().tlsName()).isEqualTo("scaleup.test");
    }

    @Test
    void everyKeySet() throws Exception {
        Files.writeString(dir.resolve("c.pem"), "x");
        Files.writeString(dir.resolve("k.pem"), "x");
        Files.createDirectories(dir.resolve("site"));
        Edge edge = TopologyLoader.parse("""
                lb:
                  port: 8080
                  https_port: 8443
                  https_redirect: true
                  rate_limit_per_10s: 500
                  auth_rate_limit_per_10s: 12
                  tls_name: www.shop.example
                  tls_cert: c.pem
                  tls_key: k.pem
                """, dir, dir, dir.resolve("scaleup.yaml"), true).lb().edge();
        assertThat(edge).isEqualTo(new Edge(8443, true, 500, 12, "www.shop.example", dir.resolve("c.pem"), dir.resolve("k.pem")));
    }

    @Test
    void emptyCertificateKeysMeanNone() {
        assertThat(parse("lb:\n  tls_cert:\n  tls_key:\n").lb().edge().ownCertificate()).isFalse();
    }

    @Test
    void mistakesAreReportedWithTheKey() throws Exception {
        Files.createDirectories(dir.resolve("site"));
        assertThatThrownBy(() -> parse("lb:\n  https_port: 80\n"))
                .hasMessageContaining("scaleup.yaml:2: 'lb.https_port' and 'lb.port' must differ");
        assertThatThrownBy(() -> parse("lb:\n  https_redirect: 1\n"))
                .hasMessageContaining("scaleup.yaml:2: 'lb.https_redirect' must be true or false, got 1");
        assertThatThrownBy(() -> parse("lb:\n  rate_limit_per_10s: -1\n"))
                .hasMessageContaining("'lb.rate_limit_per_10s' must be between 0 and 1000000, got -1");
        assertThatThrownBy(() -> parse("lb:\n  tls_name: Shop_Example\n"))
                .hasMessageContaining("'lb.tls_name' must be a DNS name in lowercase");
        assertThatThrownBy(() -> parse("lb:\n  tls_cert: c.pem\n"))
                .hasMessageContaining("scaleup.yaml:2: 'lb.tls_cert' and 'lb.tls_key' go together");
        assertThatThrownBy(() -> TopologyLoader.parse("lb:\n  tls_cert: nope.pem\n  tls_key: nope.key\n", dir, dir,
                dir.resolve("scaleup.yaml"), true)).hasMessageContaining("'lb.tls_cert' must be a readable file");
        assertThatThrownBy(() -> parse("lb:\n  tls_nmae: x.test\n"))
                .hasMessageContaining("unknown key 'lb.tls_nmae'; did you mean 'lb.tls_name'?");
    }
}
