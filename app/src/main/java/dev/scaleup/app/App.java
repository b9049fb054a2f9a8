package dev.scaleup.app;

import static java.util.Objects.requireNonNull;

import dev.scaleup.app.auth.PasswordHasher;
import dev.scaleup.app.auth.Tokens;
import dev.scaleup.app.config.AppConfig;
import dev.scaleup.app.db.Bank;
import dev.scaleup.app.db.Databases;
import dev.scaleup.app.db.DbCalls;
import dev.scaleup.app.db.Migrator;
import dev.scaleup.app.db.Posts;
import dev.scaleup.app.db.PrimaryProbe;
import dev.scaleup.app.db.Users;
import dev.scaleup.app.db.Visits;
import dev.scaleup.app.http.AccessLog;
import dev.scaleup.app.http.HttpMetrics;
import dev.scaleup.app.http.InFlightRequests;
import dev.scaleup.app.http.JsonDirectHandler;
import dev.scaleup.app.http.Routes;
import io.helidon.http.DirectHandler;
import io.helidon.webserver.WebServer;
import java.io.PrintStream;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/** One running application server: pools, background migrations, readiness and the HTTP listener. */
public final class App {

    static final Duration MIGRATION_RETRY = Duration.ofSeconds(1);
    static final Duration PROBE_TIMEOUT = Duration.ofMillis(900);
    static final Duration MIN_NOT_READY = Duration.ofSeconds(1);

    private final AppConfig config;
    private final PrintStream out;
    private final AppMetrics metrics;
    private final Databases databases;
    private final Migrator migrator;
    private final Readiness readiness;
    private final InFlightRequests inFlight;
    private final WebServer server;
    private final AtomicBoolean shutdownStarted = new AtomicBoolean();
    private final CountDownLatch terminated = new CountDownLatch(1);

    private App(AppConfig config, PrintStream out) {
        this.config = requireNonNull(config, "config is null");
        this.out = requireNonNull(out, "out is null");
        this.metrics = new AppMetrics();
        this.databases = Databases.open(config, metrics.registry());
        this.migrator = new Migrator(databases.primary(), MIGRATION_RETRY);
        PrimaryProbe probe = new PrimaryProbe(databases.primary(), PROBE_TIMEOUT);
        this.readiness = new Readiness(migrator::pendingReason, probe::check);
        this.inFlight = new InFlightRequests();
        DbCalls db = new DbCalls(databases.primaryPool(), databases.replicaPool(), metrics.registry());
        InstantSource clock = InstantSource.system();
        Routes routes = new Routes(new Routes.Services(config.hostName(), readiness, inFlight, new AccessLog(out),
                new HttpMetrics(metrics.registry()), metrics.registry(), db, new Users(db), new Bank(db),
                new Posts(db), new Visits(db),
                new PasswordHasher(config.passwordIterations(), Runtime.getRuntime().availableProcessors()),
                new Tokens(config.tokenKey(), config.tokenTtl(), clock), config.startingBalanceCents(), clock));
        this.server = WebServer.builder()
                .host(config.bind())
                .port(config.port())
                .shutdownHook(false)
                .directHandlers(handlers -> {
                    JsonDirectHandler handler = new JsonDirectHandler(config.hostName());
                    for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
                        handlers.addHandler(type, handler);
                    }
                })
                .routing(routes::configure)
                .build();
    }

    /** Opens the pools, starts the migrations in the background and the listener; returns once listening. */
    public static App start(AppConfig config, PrintStream out) {
        App app = new App(config, out);
        try {
            app.migrator.start();
            app.server.start();
        } catch (RuntimeException e) {
            app.migrator.close();
            app.databases.close();
            app.metrics.close();
            throw e;
        }
        out.println("app " + config.hostName() + " listening on " + config.bind() + ":" + app.port());
        return app;
    }

    /** The port actually listened on. */
    public int port() {
        return server.port();
    }

    /**
     * Readiness turns 503, in-flight requests get up to {@code app.drain-seconds}, then the listener stops and the
     * pools close. Idempotent; a second caller waits for the first to finish.
     */
    public void shutdown() {
        if (!shutdownStarted.compareAndSet(false, true)) {
            awaitTermination();
            return;
        }
        try {
            long start = System.nanoTime();
            readiness.startDraining();
            out.println("app " + config.hostName() + " draining: readiness is 503, waiting up to "
                    + config.drainTimeout().toSeconds() + " s for " + inFlight.count() + " in-flight request(s)");
            int left = new Drain(inFlight::count, config.drainTimeout(), MIN_NOT_READY).await();
            server.stop();
            migrator.close();
            databases.close();
            metrics.close();
            out.println("app " + config.hostName() + " stopped after " + (System.nanoTime() - start) / 1_000_000
                    + " ms" + (left == 0 ? "" : " with " + left + " request(s) still in flight"));
        } finally {
            terminated.countDown();
        }
    }

    /** Blocks until {@link #shutdown()} has finished. */
    public void awaitTermination() {
        try {
            terminated.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
