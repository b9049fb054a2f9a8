package dev.scaleup.app.db;

import dev.scaleup.app.config.AppConfig;
import dev.scaleup.app.config.DbHost;
import java.util.stream.Collectors;

/** The JDBC URLs of the two pools; pgJDBC picks the server by role among all configured hosts. */
public final class JdbcUrls {

    private JdbcUrls() {
    }

    /** Connects only to the server that accepts writes. */
    public static String primary(AppConfig config) {
        return base(config) + "?targetServerType=primary";
    }

    /** Connects to a standby when one is up (spreading over them), else to the primary. */
    public static String replica(AppConfig config) {
        return base(config) + "?targetServerType=preferSecondary&loadBalanceHosts=true";
    }

    private static String base(AppConfig config) {
        String hosts = config.dbHosts().stream().map(DbHost::toUrlPart).collect(Collectors.joining(","));
        return "jdbc:postgresql://" + hosts + "/" + config.dbName();
    }
}
