package dev.scaleup.app;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.function.Supplier;

/** Ready = not draining, migrations done, and the primary answers now. */
public final class Readiness {

    private final Supplier<Optional<String>> migrationsPending;
    private final Supplier<Optional<String>> primaryCheck;
    private volatile boolean draining;

    /**
     * @param migrationsPending why migrations are not done yet, empty once done
     * @param primaryCheck      a live check of the primary: empty when it answered, else why not
     */
    public Readiness(Supplier<Optional<String>> migrationsPending, Supplier<Optional<String>> primaryCheck) {
        this.migrationsPending = requireNonNull(migrationsPending, "migrationsPending is null");
        this.primaryCheck = requireNonNull(primaryCheck, "primaryCheck is null");
    }

    /** From now on the server reports not ready (shutdown has begun). */
    public void startDraining() {
        draining = true;
    }

    public boolean draining() {
        return draining;
    }

    /** Empty when ready, else the reason it is not. */
    public Optional<String> notReadyReason() {
        if (draining) {
            return Optional.of("draining");
        }
        Optional<String> pending = migrationsPending.get();
        if (pending.isPresent()) {
            return Optional.of("migrations pending: " + pending.get());
        }
        Optional<String> primaryDown = primaryCheck.get().map(reason -> "primary database unavailable: " + reason);
        return draining ? Optional.of("draining") : primaryDown;
    }
}
