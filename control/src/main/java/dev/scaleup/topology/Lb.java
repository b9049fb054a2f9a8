package dev.scaleup.topology;

import static java.util.Objects.requireNonNull;

/**
 * The {@code lb:} section: the HAProxy + keepalived pair at the VIP.
 *
 * @param count load balancers (fixed at 2 for now)
 * @param port port HAProxy listens on at the VIP for plain HTTP
 * @param edge TLS, redirect and rate limit of their frontend
 */
public record Lb(int count, int port, Edge edge) {

    public Lb {
        requireNonNull(edge, "edge is null");
    }

    /** The defaults for a deployment of this name (the generated certificate's name follows it). */
    public static Lb defaults(String deploymentName) {
        return new Lb(TopologyKey.LB_COUNT.defaultInt(), TopologyKey.LB_PORT.defaultInt(), Edge.defaults(deploymentName));
    }

    public Lb withEdge(Edge newEdge) {
        return new Lb(count, port, newEdge);
    }
}
