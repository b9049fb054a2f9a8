package dev.scaleup.ops;

import dev.scaleup.render.PgBackRestConfig;
import dev.scaleup.render.RenderedFile;
import dev.scaleup.render.Tls;
import dev.scaleup.runtime.Exec;
import dev.scaleup.runtime.ProcessSpec;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The certificate pgBackRest's hosts present to each other ({@link Tls#PGBACKREST_CERT}, of the deployment's own CA),
 * made at the first up with {@code backup.enabled} and again when the db hosts' or the backup host's addresses
 * changed (a scale) or it nears its end; copied with the CA and its key into the conf directory of every db host
 * and of the backup host, where their services' prepare step gives them to postgres; a pgBackRest server running
 * with an older one is stopped, so the converge starts it with the new one. Idempotent.
 */
final class BackupCertificates {

    private static final Duration OPENSSL_TIMEOUT = Duration.ofSeconds(30);

    private BackupCertificates() {
    }

    /** One sentence per change; none when everything was in place (or the deployment has no backup host). */
    static List<String> ensure(Deployment deployment) {
        Topology t = deployment.topology();
        List<String> changes = new ArrayList<>();
        if (!t.backup().enabled()) {
            return changes;
        }
        List<RenderedFile> files = files(deployment, changes);
        for (Host host : t.hosts()) {
            if (host.role() == Role.DB || host.role() == Role.BACKUP) {
                List<String> written = ConfigFiles.write(deployment, host, files);
                if (!written.isEmpty()) {
                    // a running server keeps the certificate it started with: stopped here, started again by the
                    // converge that follows (the primary's archive-push retries meanwhile)
                    ProcessSpec server = BackupService.server(deployment.paths(host));
                    String stopped = deployment.isRunning(host, server)
                            ? "; " + deployment.target().stop(host, server, Down.STOP_DEADLINE) : "";
                    changes.add(host.name() + ": pgBackRest's certificate in conf/ (" + String.join(", ", written) + ")"
                            + stopped);
                }
            }
        }
        return changes;
    }

    /**
     * The CA certificate, pgBackRest's certificate and its key as the db and backup hosts get them, the certificate
     * made first (a sentence into {@code changes}) when there is none or it does not fit; none without backups.
     */
    static List<RenderedFile> files(Deployment deployment, List<String> changes) {
        Topology t = deployment.topology();
        if (!t.backup().enabled()) {
            return List.of();
        }
        Path dir = Tls.dir(deployment.state().real());
        Certificates.ensureCa(dir, t, changes);
        String why = problem(t, dir);
        if (why != null) {
            Path csr = dir.resolve("pgbackrest.csr");
            Path extensions = dir.resolve("pgbackrest.ext");
            Certificates.write(extensions, Tls.pgBackRestExtensions(t));
            Certificates.openssl(Tls.newPgBackRestRequest(dir, csr));
            Certificates.makePrivate(dir.resolve(Tls.PGBACKREST_KEY));
            Certificates.openssl(Tls.signPgBackRest(dir, csr, extensions));
            Certificates.delete(csr);
            changes.add("tls: made pgBackRest's certificate (" + why + "): " + Tls.pgBackRestSubjectAltName(t)
                    + ", signed by the deployment's CA");
        }
        return List.of(
                new RenderedFile(PgBackRestConfig.CA, read(dir.resolve(Tls.CA_CERT)), RenderedFile.PUBLIC),
                new RenderedFile(PgBackRestConfig.CERT, read(dir.resolve(Tls.PGBACKREST_CERT)), RenderedFile.PUBLIC),
                new RenderedFile(PgBackRestConfig.KEY, read(dir.resolve(Tls.PGBACKREST_KEY)), RenderedFile.PRIVATE));
    }

    /** Why the certificate must be made (anew), or null when it fits. */
    private static String problem(Topology t, Path dir) {
        Path cert = dir.resolve(Tls.PGBACKREST_CERT);
        if (!Files.exists(cert) || !Files.exists(dir.resolve(Tls.PGBACKREST_KEY))) {
            return "none yet";
        }
        Exec.Result san = Exec.run(Tls.showSubjectAltName(cert), OPENSSL_TIMEOUT, null);
        List<String> names = List.of(Tls.pgBackRestSubjectAltName(t).replace("IP:", "IP Address:").split(","));
        if (!san.ok() || !names.stream().allMatch(san.stdout()::contains)) {
            return "the db or backup hosts changed";
        }
        if (!Exec.run(Tls.validFor(cert, Duration.ofDays(Tls.RENEW_BEFORE_DAYS).toSeconds()), OPENSSL_TIMEOUT, null).ok()) {
            return "it ends within " + Tls.RENEW_BEFORE_DAYS + " days";
        }
        return null;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
