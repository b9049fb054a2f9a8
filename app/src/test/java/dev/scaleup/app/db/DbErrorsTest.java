package dev.scaleup.app.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class DbErrorsTest {

    @Test
    void prefersTheInnermostSqlExceptionWithItsState() {
        SQLException cause = new SQLException("Connection to db1:5432 refused.\n Check it", "08001");
        RuntimeException wrapped = new RuntimeException("flyway failed",
                new SQLTransientConnectionException("primary - Connection is not available", cause));

        assertThat(DbErrors.describe(wrapped)).isEqualTo("Connection to db1:5432 refused. Check it [08001]");
    }

    @Test
    void fallsBackToTheRootCause() {
        assertThat(DbErrors.describe(new IllegalStateException("outer", new IllegalArgumentException("inner"))))
                .isEqualTo("inner");
        assertThat(DbErrors.describe(new IllegalStateException())).isEqualTo("IllegalStateException");
    }

    @Test
    void longMessagesAreCut() {
        assertThat(DbErrors.describe(new SQLException("x".repeat(1000)))).hasSize(303).endsWith("...");
    }
}
