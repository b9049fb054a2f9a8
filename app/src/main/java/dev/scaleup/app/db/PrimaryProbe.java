package dev.scaleup.app.db;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * Checks live that the primary pool answers {@code SELECT 1}, waiting at most the given timeout. Concurrent callers
 * share one check in progress, so a flood of health checks against a dead database costs one waiting thread.
 */
public final class PrimaryProbe {

    private final DataSource primary;
    private final Duration timeout;
    private final AtomicReference<CompletableFuture<Optional<String>>> running = new AtomicReference<>();

    public PrimaryProbe(DataSource primary, Duration timeout) {
        this.primary = requireNonNull(primary, "primary is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
    }

    /** Empty when the primary answered in time, else why not. */
    public Optional<String> check() {
        CompletableFuture<Optional<String>> check = joinOrStart();
        try {
            return check.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return Optional.of("primary did not answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        } catch (ExecutionException e) {
            return Optional.of(DbErrors.describe(e.getCause()));
        }
    }

    private CompletableFuture<Optional<String>> joinOrStart() {
        while (true) {
            CompletableFuture<Optional<String>> current = running.get();
            if (current != null) {
                return current;
            }
            CompletableFuture<Optional<String>> mine = new CompletableFuture<>();
            if (running.compareAndSet(null, mine)) {
                Thread.ofVirtual().name("primary-probe").start(() -> {
                    try {
                        mine.complete(selectOne());
                    } catch (RuntimeException | Error e) {
                        mine.completeExceptionally(e);
                    } finally {
                        running.compareAndSet(mine, null);
                    }
                });
                return mine;
            }
        }
    }

    private Optional<String> selectOne() {
        try (Connection connection = primary.getConnection(); Statement statement = connection.createStatement()) {
            statement.setQueryTimeout((int) Math.max(1, timeout.toSeconds()));
            statement.execute("SELECT 1");
            return Optional.empty();
        } catch (SQLException e) {
            return Optional.of(DbErrors.describe(e));
        }
    }
}
