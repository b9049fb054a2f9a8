package dev.scaleup.topology;

import static java.util.Objects.requireNonNull;

/**
 * The {@code db:} section.
 *
 * @param replicas streaming replicas besides the primary
 * @param port PostgreSQL port
 * @param name the application's database
 * @param user the application's database user
 * @param pooler PgBouncer on every db host, in front of its PostgreSQL (transaction pooling): the app servers
 *     connect to it, so the database's connection count is bounded by its pool size, not by the app host count
 */
public record Db(int replicas, int port, String name, String user, boolean pooler) {

    /** PgBouncer's port on a db host (its own address), with {@link #pooler}. */
    public static final int POOLER_PORT = 6432;

    public static final Db DEFAULTS = new Db(TopologyKey.DB_REPLICAS.defaultInt(), TopologyKey.DB_PORT.defaultInt(),
            TopologyKey.DB_NAME.defaultText(), TopologyKey.DB_USER.defaultText(),
            Boolean.parseBoolean(TopologyKey.DB_POOLER.defaultText()));

    /** Without the pooler. */
    public Db(int replicas, int port, String name, String user) {
        this(replicas, port, name, user, false);
    }

    public Db {
        requireNonNull(name, "name is null");
        requireNonNull(user, "user is null");
    }

    public Db withReplicas(int newReplicas) {
        return new Db(newReplicas, port, name, user, pooler);
    }

    /** The port the app servers connect to on a db host: PgBouncer's with the pooler, else PostgreSQL's. */
    public int appPort() {
        return pooler ? POOLER_PORT : port;
    }
}
