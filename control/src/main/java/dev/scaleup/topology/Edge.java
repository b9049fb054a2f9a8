package dev.scaleup.topology;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * How the load balancers face clients (the {@code lb:} keys beyond count and port): TLS, the HTTP-to-HTTPS redirect
 * and the per-client request rate limit.
 *
 * @param httpsPort port HAProxy terminates TLS on at the VIP ({@code lb.https_port}, default 443)
 * @param httpsRedirect whether plain HTTP is redirected to HTTPS, health checks excepted ({@code lb.https_redirect},
 *     default true)
 * @param rateLimitPer10s requests one client address may make in 10 s before it gets 429; 0 = no limit
 *     ({@code lb.rate_limit_per_10s}, default 0)
 * @param authRateLimitPer10s sign-ins and sign-ups ({@code POST /api/sessions}, {@code POST /api/users}: a PBKDF2
 *     hash each) one client address may make in 10 s before it gets 429; 0 = no limit
 *     ({@code lb.auth_rate_limit_per_10s}, default 30)
 * @param tlsName the DNS name the generated server certificate is for, besides the VIP ({@code lb.tls_name}, default
 *     {@code <name>.test})
 * @param tlsCert the operator's own certificate chain (PEM), or null to have one made from the deployment's own CA
 *     ({@code lb.tls_cert}; absolute)
 * @param tlsKey the private key of {@code tlsCert} (PEM), or null ({@code lb.tls_key}; absolute)
 */
public record Edge(int httpsPort, boolean httpsRedirect, int rateLimitPer10s, int authRateLimitPer10s, String tlsName,
                   Path tlsCert, Path tlsKey) {

    public Edge {
        requireNonNull(tlsName, "tlsName is null");
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("tlsCert and tlsKey go together");
        }
        if (rateLimitPer10s < 0 || authRateLimitPer10s < 0) {
            throw new IllegalArgumentException("a rate limit < 0");
        }
    }

    /**
     * The defaults for a deployment of this name: TLS on 443 with a generated certificate, plain HTTP redirected to
     * it, no limit on requests in general, 30 sign-ins and sign-ups per client address in 10 s.
     */
    public static Edge defaults(String deploymentName) {
        return new Edge(TopologyKey.LB_HTTPS_PORT.defaultInt(), TopologyKey.LB_HTTPS_REDIRECT.defaultBool(),
                TopologyKey.LB_RATE_LIMIT.defaultInt(), TopologyKey.LB_AUTH_RATE_LIMIT.defaultInt(),
                deploymentName + ".test", null, null);
    }

    /** True when the operator brings the certificate and key. */
    public boolean ownCertificate() {
        return tlsCert != null;
    }
}
