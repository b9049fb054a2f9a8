package dev.scaleup.topology;

/**
 * The {@code app:} section.
 *
 * @param count application servers
 * @param port port the app listens on
 * @param heapMb -Xmx of each app JVM
 */
public record App(int count, int port, int heapMb) {

    public static final App DEFAULTS = new App(TopologyKey.APP_COUNT.defaultInt(), TopologyKey.APP_PORT.defaultInt(),
            TopologyKey.APP_HEAP_MB.defaultInt());

    public App withCount(int newCount) {
        return new App(newCount, port, heapMb);
    }
}
