package dev.scaleup.app.db;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import dev.scaleup.app.config.AppConfig;
import dev.scaleup.app.config.DbHost;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class JdbcUrlsTest {

    private static final AppConfig CONFIG = new AppConfig("0.0.0.0", 8080, "app-1",
            List.of(new DbHost("10.0.0.11", 5432), new DbHost("db2", 5433), new DbHost("fd00::1", 5432)),
            "shop", "shop_rw", "pw", Duration.ofSeconds(5), "k".repeat(32), Duration.ofHours(1), 1_000, 0);

    @Test
    void primaryTargetsTheWritableServer() {
        assertThat(JdbcUrls.primary(CONFIG)).isEqualTo(
                "jdbc:postgresql://10.0.0.11:5432,db2:5433,[fd00::1]:5432/shop?targetServerType=primary");
    }

    @Test
    void replicaPrefersStandbysAndBalances() {
        assertThat(JdbcUrls.replica(CONFIG)).isEqualTo("jdbc:postgresql://10.0.0.11:5432,db2:5433,[fd00::1]:5432"
                + "/shop?targetServerType=preferSecondary&loadBalanceHosts=true");
    }

    @Test
    void poolsStartWithoutADatabaseAndFailFast() {
        HikariConfig pool = Databases.poolConfig("primary", JdbcUrls.primary(CONFIG), CONFIG);

        assertThat(pool.getInitializationFailTimeout()).isEqualTo(-1);
        assertThat(pool.getConnectionTimeout()).isEqualTo(2_000);
        assertThat(pool.getMaximumPoolSize()).isEqualTo(8);
        PollingDataSource source = (PollingDataSource) pool.getDataSource();
        assertThat(source.url()).isEqualTo(JdbcUrls.primary(CONFIG));
        assertThat(source.properties())
                .containsEntry("user", "shop_rw")
                .containsEntry("ApplicationName", "app@app-1")
                .containsEntry("connectTimeout", "2")
                .containsEntry("socketTimeout", "5")
                .containsEntry("hostRecheckSeconds", "1")
                .containsEntry("options", "-c lock_timeout=2000")
                .doesNotContainKey("prepareThreshold");
    }

    /** Behind PgBouncer in transaction pooling: no named server-side statements, no startup options. */
    @Test
    void pooledConnectionsKeepNoSessionState() {
        AppConfig pooled = new AppConfig("0.0.0.0", 8080, "app-1", List.of(new DbHost("db1", 6432)), "shop",
                "shop_rw", "pw", Duration.ofSeconds(5), "k".repeat(32), Duration.ofHours(1), 1_000, 0, true);
        PollingDataSource source = (PollingDataSource) Databases.poolConfig("primary", JdbcUrls.primary(pooled),
                pooled).getDataSource();
        assertThat(source.properties()).containsEntry("prepareThreshold", "0").doesNotContainKey("options");
    }
}
