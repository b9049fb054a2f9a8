package dev.scaleup.app.http;

import java.util.concurrent.atomic.AtomicInteger;

/** Counts requests being handled, so shutdown can wait for them. */
public final class InFlightRequests {

    private final AtomicInteger count = new AtomicInteger();

    void enter() {
        count.incrementAndGet();
    }

    void exit() {
        count.decrementAndGet();
    }

    public int count() {
        return count.get();
    }
}
