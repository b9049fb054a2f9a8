package dev.scaleup.topology;

import static java.util.Objects.requireNonNull;

/**
 * The {@code lb:} section: the HAProxy + keepalived pair at the VIP.
 *
 * @param count load balancers (fixed at 2 for now)
 * @param port port HAProxy listens on at the VIP for plain HTTP
 * @param threads HAProxy's threads (its {@code nbthread})
 * @param edge TLS, redirect and rate limit of their frontend
 */
public record Lb(int count, int port, int threads, Edge edge) {

    public Lb {
        requireNonNull(edge, "edge is null");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
    }

    /** The defaults for a deployment of this name (the generated certificate's name follows it). */
    public static Lb defaults(String deploymentName) {
        return new Lb(TopologyKey.LB_COUNT.defaultInt(), TopologyKey.LB_PORT.defaultInt(), defaultThreads(),
                Edge.defaults(deploymentName));
    }

    /** HAProxy's threads when the file does not say (also for a deployment recorded before the key existed). */
    public static int defaultThreads() {
        return TopologyKey.LB_THREADS.defaultInt();
    }

    public Lb withEdge(Edge newEdge) {
        return new Lb(count, port, threads, newEdge);
    }
}
