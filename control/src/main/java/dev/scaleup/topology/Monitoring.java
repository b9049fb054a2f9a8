package dev.scaleup.topology;

/**
 * The {@code monitoring:} section: a host of its own ({@code mon1}) running Prometheus and Alertmanager, which scrape
 * every tier's exporter and raise the alerts of {@code render.AlertRules}.
 *
 * @param enabled whether the deployment has the monitoring host and the exporters on every host
 * @param scrapeIntervalSeconds how often Prometheus scrapes every target and evaluates the alert rules
 */
public record Monitoring(boolean enabled, int scrapeIntervalSeconds) {

    /** Prometheus's port on the monitoring host (its default). */
    public static final int PROMETHEUS_PORT = 9090;
    /** Alertmanager's port on the monitoring host (its default). */
    public static final int ALERTMANAGER_PORT = 9093;

    public static final Monitoring DEFAULTS = new Monitoring(TopologyKey.MONITORING_ENABLED.defaultBool(),
            TopologyKey.MONITORING_SCRAPE_INTERVAL.defaultInt());

    public Monitoring {
        if (scrapeIntervalSeconds < 1) {
            throw new IllegalArgumentException("scrapeIntervalSeconds must be at least 1");
        }
    }

    public Monitoring withEnabled(boolean newEnabled) {
        return new Monitoring(newEnabled, scrapeIntervalSeconds);
    }
}
