package dev.scaleup.ansible;

import static java.util.Objects.requireNonNull;

import dev.scaleup.render.Secrets;
import java.nio.file.Path;

/**
 * What the project needs beyond the topology, all from the control machine.
 *
 * @param secrets the deployment's passwords and token key (rendered into the hosts' files)
 * @param tlsPem the VIP's certificate chain and key, as HAProxy reads them (the load balancers' tls.pem)
 * @param caCert the deployment's CA certificate: the last gate checks {@code https://VIP/} against it
 * @param appJar the application's jar
 * @param appRuntime the Java runtime the app ships with (a jlink image directory): the app hosts need no JDK
 */
public record Inputs(Secrets secrets, String tlsPem, Path caCert, Path appJar, Path appRuntime) {

    public Inputs {
        requireNonNull(secrets, "secrets is null");
        requireNonNull(tlsPem, "tlsPem is null");
        requireNonNull(caCert, "caCert is null");
        requireNonNull(appJar, "appJar is null");
        requireNonNull(appRuntime, "appRuntime is null");
    }
}
