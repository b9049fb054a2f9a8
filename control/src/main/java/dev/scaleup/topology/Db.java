package dev.scaleup.topology;

import static java.util.Objects.requireNonNull;

/**
 * The {@code db:} section.
 *
 * @param replicas streaming replicas besides the primary
 * @param port PostgreSQL port
 * @param name the application's database
 * @param user the application's database user
 */
public record Db(int replicas, int port, String name, String user) {

    public static final Db DEFAULTS = new Db(TopologyKey.DB_REPLICAS.defaultInt(), TopologyKey.DB_PORT.defaultInt(),
            TopologyKey.DB_NAME.defaultText(), TopologyKey.DB_USER.defaultText());

    public Db {
        requireNonNull(name, "name is null");
        requireNonNull(user, "user is null");
    }

    public Db withReplicas(int newReplicas) {
        return new Db(newReplicas, port, name, user);
    }
}
