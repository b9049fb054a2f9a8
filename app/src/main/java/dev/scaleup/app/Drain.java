package dev.scaleup.app;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.function.IntSupplier;

/**
 * Waits for in-flight requests at shutdown: at most {@code timeout}, and returns early once nothing is in flight
 * and readiness has been failing for {@code minimum} (so load balancers have seen it), whichever is shorter.
 */
final class Drain {

    private static final long POLL_MS = 20;

    private final IntSupplier inFlight;
    private final Duration timeout;
    private final Duration minimum;

    Drain(IntSupplier inFlight, Duration timeout, Duration minimum) {
        this.inFlight = requireNonNull(inFlight, "inFlight is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
        this.minimum = requireNonNull(minimum, "minimum is null");
    }

    /** Blocks until drained or timed out; returns the number of requests still in flight. */
    int await() {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long earliest = start + Math.min(minimum.toNanos(), timeout.toNanos());
        while (true) {
            long now = System.nanoTime();
            int current = inFlight.getAsInt();
            if (now - deadline >= 0 || (current == 0 && now - earliest >= 0)) {
                return current;
            }
            try {
                Thread.sleep(Math.min(POLL_MS, Math.max(1, (deadline - now) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return inFlight.getAsInt();
            }
        }
    }
}
