package dev.scaleup.render;

import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.nio.file.Path;
import java.util.List;

/**
 * TLS at the VIP: where the certificates live, how {@code openssl} makes them, and HAProxy's protocol and cipher
 * settings. Pure: argv and text only; {@code ops.Certificates} runs them.
 *
 * <pre>
 *   &lt;state&gt;/tls/ca.crt                    the deployment's own CA (EC P-256, 10 years): give it to clients
 *   &lt;state&gt;/tls/server.crt                the VIP's certificate (825 days): SAN IP:&lt;vip&gt;, DNS:&lt;lb.tls_name&gt;
 *   &lt;state&gt;/tls/private/ca.key, server.key  their keys: directory 0700, files 0600
 *   &lt;lb&gt;/conf/tls.pem                   what HAProxy loads: certificate chain and key, 0600
 * </pre>
 * With {@code lb.tls_cert} and {@code lb.tls_key} set, tls.pem is made of those instead (the CA is then made only
 * for pgBackRest, with {@code backup.enabled}). pgBackRest's hosts share one certificate of the same CA:
 * <pre>
 *   &lt;state&gt;/tls/pgbackrest.crt            CN pgbackrest, SAN every db host's and the backup host's address, server and client
 *   &lt;state&gt;/tls/private/pgbackrest.key
 * </pre>
 */
public final class Tls {

    /** The certificate chain and key HAProxy loads, in each load balancer's conf directory. */
    public static final String PEM_FILE = "tls.pem";
    public static final String CA_CERT = "ca.crt";
    /** Private keys live in {@code <state>/tls/private/} (0700), so they are never readable by others, not even while made. */
    public static final String CA_KEY = "private/ca.key";
    public static final String SERVER_CERT = "server.crt";
    public static final String SERVER_KEY = "private/server.key";
    public static final int CA_DAYS = 3650;
    /** The longest validity clients accept for a server certificate. */
    public static final int SERVER_DAYS = 825;
    /** A server certificate closer than this to its end is renewed by the next up. */
    public static final int RENEW_BEFORE_DAYS = 30;

    /** TLS 1.2 with forward-secret AEAD ciphers only, and TLS 1.3 (its suites are all modern); no session tickets. */
    public static final String BIND_OPTIONS = "ssl-min-ver TLSv1.2 no-tls-tickets";
    public static final String CIPHERS = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
            + "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
            + "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
    public static final String CIPHERSUITES = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";
    /** Strict-Transport-Security on HTTPS answers: two years. */
    public static final String HSTS = "max-age=63072000";

    private Tls() {}

    /** {@code <state>/tls}. */
    public static Path dir(Path stateDir) {
        return stateDir.resolve("tls");
    }

    /** The names the VIP's certificate is for, as an openssl subjectAltName value. */
    public static String subjectAltName(Topology t) {
        return "IP:" + t.network().vip() + ",DNS:" + t.lb().edge().tlsName();
    }

    /** openssl -extfile contents for the VIP's certificate. */
    public static String serverExtensions(Topology t) {
        return "subjectAltName=" + subjectAltName(t) + "\n"
                + "basicConstraints=critical,CA:FALSE\n"
                + "keyUsage=critical,digitalSignature\n"
                + "extendedKeyUsage=serverAuth\n"
                + "subjectKeyIdentifier=hash\n"
                + "authorityKeyIdentifier=keyid\n";
    }

    /** A self-signed CA for the deployment: new key and certificate. */
    public static List<String> newCa(Path dir, Topology t) {
        return List.of("openssl", "req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-keyout", dir.resolve(CA_KEY).toString(), "-out", dir.resolve(CA_CERT).toString(),
                "-days", Integer.toString(CA_DAYS), "-subj", "/O=scaleup/CN=scaleup " + t.name() + " CA",
                "-addext", "basicConstraints=critical,CA:TRUE,pathlen:0",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                "-addext", "subjectKeyIdentifier=hash");
    }

    /** A new key for the VIP's certificate and a request for it. */
    public static List<String> newServerRequest(Path dir, Topology t, Path csr) {
        return List.of("openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", dir.resolve(SERVER_KEY).toString(), "-out", csr.toString(),
                "-subj", "/O=scaleup/CN=" + t.lb().edge().tlsName());
    }

    /** The CA signs the request with {@link #serverExtensions} (in {@code extensions}). */
    public static List<String> signServer(Path dir, Path csr, Path extensions) {
        return sign(dir, csr, extensions, dir.resolve(SERVER_CERT));
    }

    private static List<String> sign(Path dir, Path csr, Path extensions, Path out) {
        return List.of("openssl", "x509", "-req", "-in", csr.toString(),
                "-CA", dir.resolve(CA_CERT).toString(), "-CAkey", dir.resolve(CA_KEY).toString(), "-CAcreateserial",
                "-CAserial", dir.resolve("ca.srl").toString(),
                "-days", Integer.toString(SERVER_DAYS), "-sha256", "-extfile", extensions.toString(),
                "-out", out.toString());
    }

    /** The certificate pgBackRest's TLS servers and clients present (db hosts and the backup host). */
    public static final String PGBACKREST_CERT = "pgbackrest.crt";
    public static final String PGBACKREST_KEY = "private/pgbackrest.key";

    /**
     * The addresses pgBackRest's certificate is for: every db host and the backup host, as a subjectAltName value.
     * Each address is there twice, as an IP and as a DNS name: pgBackRest (2.45) matches the host it connects to
     * against the CN and the DNS names only ("unable to find hostname '198.19.60.83' in certificate common name or
     * subject alternative names" with IP entries alone).
     */
    public static String pgBackRestSubjectAltName(Topology t) {
        return String.join(",", t.hosts().stream().filter(h -> h.role() == Role.DB || h.role() == Role.BACKUP)
                .map(h -> "IP:" + h.address() + ",DNS:" + h.address()).toList());
    }

    /**
     * openssl -extfile contents for pgBackRest's certificate: one certificate serves both ends of each connection
     * (the archive-push client and the repository's server, the backup client and a db host's server).
     */
    public static String pgBackRestExtensions(Topology t) {
        return "subjectAltName=" + pgBackRestSubjectAltName(t) + "\n"
                + "basicConstraints=critical,CA:FALSE\n"
                + "keyUsage=critical,digitalSignature\n"
                + "extendedKeyUsage=serverAuth,clientAuth\n"
                + "subjectKeyIdentifier=hash\n"
                + "authorityKeyIdentifier=keyid\n";
    }

    /** A new key for pgBackRest's certificate and a request for it, CN {@link PgBackRestConfig#CLIENT_CN}. */
    public static List<String> newPgBackRestRequest(Path dir, Path csr) {
        return List.of("openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", dir.resolve(PGBACKREST_KEY).toString(), "-out", csr.toString(),
                "-subj", "/O=scaleup/CN=" + PgBackRestConfig.CLIENT_CN);
    }

    /** The CA signs pgBackRest's request with {@link #pgBackRestExtensions} (in {@code extensions}). */
    public static List<String> signPgBackRest(Path dir, Path csr, Path extensions) {
        return sign(dir, csr, extensions, dir.resolve(PGBACKREST_CERT));
    }

    /** Prints the certificate's subjectAltName extension. */
    public static List<String> showSubjectAltName(Path cert) {
        return List.of("openssl", "x509", "-in", cert.toString(), "-noout", "-ext", "subjectAltName");
    }

    /** Exits 0 when the certificate is still valid {@code seconds} from now. */
    public static List<String> validFor(Path cert, long seconds) {
        return List.of("openssl", "x509", "-in", cert.toString(), "-noout", "-checkend", Long.toString(seconds));
    }

    /** The public key of a certificate, PEM. */
    public static List<String> certificatePublicKey(Path cert) {
        return List.of("openssl", "x509", "-in", cert.toString(), "-noout", "-pubkey");
    }

    /** The public key of a private key, PEM. */
    public static List<String> keyPublicKey(Path key) {
        return List.of("openssl", "pkey", "-in", key.toString(), "-pubout");
    }

    /** Checks that the certificate chains up to the CA. */
    public static List<String> verify(Path caCert, Path cert) {
        return List.of("openssl", "verify", "-CAfile", caCert.toString(), cert.toString());
    }
}
