package dev.scaleup.app.db;

import static java.util.Objects.requireNonNull;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Runs the Flyway migrations in the background, retrying until they succeed. Several application servers may run
 * it at once: Flyway serialises them with a PostgreSQL advisory lock, and a loser simply retries.
 */
public final class Migrator implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Migrator.class.getName());

    private final Flyway flyway;
    private final Duration retryInterval;
    private final AtomicReference<String> lastError = new AtomicReference<>("not attempted yet");
    private volatile boolean done;
    private volatile boolean closed;
    private volatile Thread worker;

    public Migrator(DataSource primary, Duration retryInterval) {
        requireNonNull(primary, "primary is null");
        this.retryInterval = requireNonNull(retryInterval, "retryInterval is null");
        this.flyway = Flyway.configure(Migrator.class.getClassLoader())
                .dataSource(primary)
                .locations("classpath:db/migration")
                .load();
    }

    public synchronized void start() {
        if (worker == null) {
            worker = Thread.ofVirtual().name("migrator").start(this::loop);
        }
    }

    public boolean done() {
        return done;
    }

    /** Why the migrations are not done yet; empty once done. */
    public Optional<String> pendingReason() {
        return done ? Optional.empty() : Optional.of(lastError.get());
    }

    private void loop() {
        long started = System.nanoTime();
        for (int attempt = 1; !closed; attempt++) {
            try {
                MigrateResult result = flyway.migrate();
                done = true;
                LOG.log(Level.INFO, "database migrations done after {0} attempt(s) in {1} ms: {2} applied{3}",
                        attempt, (System.nanoTime() - started) / 1_000_000, result.migrationsExecuted,
                        result.targetSchemaVersion == null ? "" : ", now at version " + result.targetSchemaVersion);
                return;
            } catch (RuntimeException e) {
                String reason = DbErrors.describe(e);
                String previous = lastError.getAndSet(reason);
                if (attempt == 1 || !reason.equals(previous) || attempt % 30 == 0) {
                    LOG.log(Level.WARNING, "database migrations failed (attempt {0}), retrying every {1} ms: {2}",
                            attempt, retryInterval.toMillis(), reason);
                }
            }
            try {
                Thread.sleep(retryInterval);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        Thread running = worker;
        if (running != null) {
            running.interrupt();
        }
    }
}
