package dev.scaleup.ops;

import dev.scaleup.render.HaproxyConfig;
import dev.scaleup.render.RenderedFile;
import dev.scaleup.render.Tls;
import dev.scaleup.runtime.Exec;
import dev.scaleup.topology.Edge;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The certificate HAProxy serves at the VIP ({@link Tls}): made with {@code openssl} from the deployment's own CA at
 * the first up (and again when the VIP or {@code lb.tls_name} changed, or it is within 30 days of its end), or the
 * operator's own ({@code lb.tls_cert}, {@code lb.tls_key}, checked to belong together). Either way it is copied with
 * its key into every load balancer's {@code conf/tls.pem} (0600); a running HAProxy whose file changed is reloaded.
 * Idempotent: with everything in place it changes nothing.
 */
public final class Certificates {

    private static final Duration OPENSSL_TIMEOUT = Duration.ofSeconds(30);

    private Certificates() {
    }

    /**
     * Puts the certificate in place; returns one sentence per change, the last one saying how to trust it. When
     * nothing changed, that is said at once instead (and not returned: it is no change).
     */
    public static List<String> ensure(Deployment deployment, Progress progress) {
        Topology t = deployment.topology();
        List<String> changes = new ArrayList<>();
        Pem made = pem(deployment, changes);
        LbService lb = deployment.services().lb();
        for (Host host : t.hosts(Role.LB)) {
            List<String> written = ConfigFiles.write(deployment, host,
                    List.of(new RenderedFile(Tls.PEM_FILE, made.pem(), RenderedFile.PRIVATE)));
            if (written.isEmpty()) {
                continue;
            }
            boolean running = lb.processes(host).stream().limit(1).allMatch(p -> deployment.isRunning(host, p));
            String reloaded = running ? lb.reload(host, List.of(HaproxyConfig.FILE)) : "";
            changes.add(host.name() + ": new certificate in conf/" + Tls.PEM_FILE
                    + (running ? "; " + reloaded.substring(reloaded.indexOf(": ") + 2) : ""));
        }
        if (changes.isEmpty()) {
            progress.step(made.hint());
        } else {
            changes.add(made.hint());
        }
        return changes;
    }

    /**
     * The VIP's certificate chain and its key, as HAProxy reads them ({@code tls.pem}), and the sentence that says
     * how to trust it.
     */
    record Pem(String pem, String hint) {
        @Override
        public String toString() {
            return "Pem[" + hint + "]"; // the key inside is never printed
        }
    }

    /**
     * The deployment's certificate: the operator's own (checked to match its key), or one of the deployment's CA, made
     * (CA first, at the first up) or made again when it no longer fits; each thing made is added to {@code changes}.
     */
    static Pem pem(Deployment deployment, List<String> changes) {
        Topology t = deployment.topology();
        Edge edge = t.lb().edge();
        Path dir = Tls.dir(deployment.state().real());
        String pem;
        String url = "https://" + t.network().vip() + (edge.httpsPort() == 443 ? "" : ":" + edge.httpsPort()) + "/";
        String hint;
        if (edge.ownCertificate()) {
            requireMatchingPair(edge.tlsCert(), edge.tlsKey());
            pem = chainAndKey(edge.tlsCert(), edge.tlsKey());
            hint = "tls: " + url + " serves your certificate " + edge.tlsCert();
        } else {
            ensureCa(dir, t, changes);
            String why = serverCertificateProblem(t, dir);
            if (why != null) {
                Path csr = dir.resolve("server.csr");
                Path extensions = dir.resolve("server.ext");
                write(extensions, Tls.serverExtensions(t));
                openssl(Tls.newServerRequest(dir, t, csr));
                makePrivate(dir.resolve(Tls.SERVER_KEY));
                openssl(Tls.signServer(dir, csr, extensions));
                delete(csr);
                changes.add("tls: made the VIP's certificate (" + why + "): " + Tls.subjectAltName(t) + ", "
                        + Tls.SERVER_DAYS + " days, signed by the deployment's CA");
            }
            pem = chainAndKey(dir.resolve(Tls.SERVER_CERT), dir.resolve(Tls.SERVER_KEY));
            hint = "tls: " + url + " (also as " + edge.tlsName() + ") with a certificate of the deployment's own CA;"
                    + " trust it with: curl --cacert " + dir.resolve(Tls.CA_CERT) + " " + url;
        }
        return new Pem(pem, hint);
    }

    /** The deployment's own CA in {@code dir}, made at the first up that needs it; what was made goes to {@code changes}. */
    static void ensureCa(Path dir, Topology t, List<String> changes) {
        makeDirectory(dir);
        if (!Files.exists(dir.resolve(Tls.CA_CERT)) || !Files.exists(dir.resolve(Tls.CA_KEY))) {
            openssl(Tls.newCa(dir, t));
            makePrivate(dir.resolve(Tls.CA_KEY));
            changes.add("tls: made the deployment's own CA " + dir.resolve(Tls.CA_CERT));
        }
    }

    /** Why the VIP's certificate must be made (anew), or null when it is fine. */
    static String serverCertificateProblem(Topology t, Path dir) {
        Path cert = dir.resolve(Tls.SERVER_CERT);
        if (!Files.exists(cert) || !Files.exists(dir.resolve(Tls.SERVER_KEY))) {
            return "none yet";
        }
        Exec.Result san = Exec.run(Tls.showSubjectAltName(cert), OPENSSL_TIMEOUT, null);
        String names = san.stdout();
        if (!san.ok() || !names.contains("IP Address:" + t.network().vip()) || !names.contains("DNS:" + t.lb().edge().tlsName())) {
            return "the VIP or lb.tls_name changed";
        }
        if (!Exec.run(Tls.validFor(cert, Duration.ofDays(Tls.RENEW_BEFORE_DAYS).toSeconds()), OPENSSL_TIMEOUT, null).ok()) {
            return "it ends within " + Tls.RENEW_BEFORE_DAYS + " days";
        }
        if (!Exec.run(Tls.verify(dir.resolve(Tls.CA_CERT), cert), OPENSSL_TIMEOUT, null).ok()) {
            return "it is not signed by the deployment's CA";
        }
        return null;
    }

    /** The operator's certificate and key must exist and belong together. */
    static void requireMatchingPair(Path cert, Path key) {
        Exec.Result fromCert = Exec.run(Tls.certificatePublicKey(cert), OPENSSL_TIMEOUT, null);
        if (!fromCert.ok()) {
            throw new OperatorException("lb.tls_cert " + cert + " is not a PEM certificate openssl can read: "
                    + fromCert.stderr().strip());
        }
        Exec.Result fromKey = Exec.run(Tls.keyPublicKey(key), OPENSSL_TIMEOUT, null);
        if (!fromKey.ok()) {
            throw new OperatorException("lb.tls_key " + key + " is not an unencrypted PEM private key openssl can read");
        }
        if (!fromCert.stdout().strip().equals(fromKey.stdout().strip())) {
            throw new OperatorException("lb.tls_key " + key + " is not the key of the certificate lb.tls_cert " + cert);
        }
    }

    private static String chainAndKey(Path cert, Path key) {
        try {
            String chain = Files.readString(cert);
            String privateKey = Files.readString(key);
            return (chain.endsWith("\n") ? chain : chain + "\n") + (privateKey.endsWith("\n") ? privateKey : privateKey + "\n");
        } catch (IOException e) {
            throw new OperatorException("cannot read " + cert + " or " + key + ": " + e.getMessage(), e);
        }
    }

    static void openssl(List<String> command) {
        if (!Files.isExecutable(Path.of("/usr/bin/openssl"))) {
            throw new OperatorException("missing program /usr/bin/openssl (apt-get install openssl); ./scaleup installs it");
        }
        Exec.Result result = Exec.run(command, OPENSSL_TIMEOUT, null);
        if (!result.ok()) {
            throw new OperatorException("`" + String.join(" ", command) + "` failed: " + result.stderr().strip());
        }
    }

    private static void makeDirectory(Path dir) {
        try {
            Files.createDirectories(dir.resolve("private"));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(dir.resolve("private"), PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void makePrivate(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
