package dev.scaleup.ansible;

import static java.util.Objects.requireNonNull;

import dev.scaleup.render.RenderedFile;
import dev.scaleup.render.Secrets;
import java.nio.file.Path;
import java.util.List;

/**
 * What the project needs beyond the topology, all from the control machine.
 *
 * @param secrets the deployment's passwords and token key (rendered into the hosts' files)
 * @param tlsPem the VIP's certificate chain and key, as HAProxy reads them (the load balancers' tls.pem)
 * @param caCert the deployment's CA certificate: the last gate checks {@code https://VIP/} against it
 * @param appBundle the archive app servers run: the app's jar, its libraries and the Java runtime it ships with (a
 *     jlink image), so the app hosts need no JDK
 * @param appRelease the bundle's name on a server ({@code /opt/scaleup/releases/<release>}), made of its hashes
 * @param site the built site the web hosts serve (render.SiteBuild), on the control machine
 * @param pgBackRestFiles the CA, the certificate and the key pgBackRest's hosts present to each other (db and backup
 *     hosts' files); empty without {@code backup.enabled}
 * @param appAotCache whether the bundle holds the app's AOT cache ({@code app/app.aot}, from a JDK 25 runtime): the
 *     app's unit maps it then
 */
public record Inputs(Secrets secrets, String tlsPem, Path caCert, Path appBundle, String appRelease, Path site,
                     List<RenderedFile> pgBackRestFiles, boolean appAotCache) {

    /** Without backups: no pgBackRest certificate. */
    public Inputs(Secrets secrets, String tlsPem, Path caCert, Path appBundle, String appRelease, Path site,
                  boolean appAotCache) {
        this(secrets, tlsPem, caCert, appBundle, appRelease, site, List.of(), appAotCache);
    }

    public Inputs {
        requireNonNull(secrets, "secrets is null");
        requireNonNull(tlsPem, "tlsPem is null");
        requireNonNull(caCert, "caCert is null");
        requireNonNull(appBundle, "appBundle is null");
        requireNonNull(appRelease, "appRelease is null");
        requireNonNull(site, "site is null");
        pgBackRestFiles = List.copyOf(requireNonNull(pgBackRestFiles, "pgBackRestFiles is null"));
    }
}
