package dev.scaleup.topology;

/**
 * The {@code web:} section.
 *
 * @param count nginx hosts
 * @param port port nginx listens on
 */
public record Web(int count, int port) {

    public static final Web DEFAULTS = new Web(TopologyKey.WEB_COUNT.defaultInt(), TopologyKey.WEB_PORT.defaultInt());

    public Web withCount(int newCount) {
        return new Web(newCount, port);
    }
}
