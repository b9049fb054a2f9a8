package dev.scaleup.drill;

import static java.util.Objects.requireNonNull;

import dev.scaleup.ops.Deployment;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;

/**
 * Counts the load balancers holding the VIP every {@link #PERIOD_MS} ms on a thread of its own, from {@link #start} to
 * {@link #stop}, and keeps the longest stretch during which more than one held it (a split brain). A stretch runs from
 * the first sample that saw two holders to the first that saw one or none again; one that is still open when the
 * watch stops counts up to then.
 */
final class VipWatch {

    static final long PERIOD_MS = 100;

    private final Deployment deployment;
    private final LongSupplier clockMicros;
    private final Split split = new Split();
    private volatile boolean running;
    private volatile Exception failure;
    private Thread thread;

    VipWatch(Deployment deployment, LongSupplier clockMicros) {
        this.deployment = requireNonNull(deployment, "deployment is null");
        this.clockMicros = requireNonNull(clockMicros, "clockMicros is null");
    }

    void start() {
        running = true;
        List<Host> lbs = deployment.topology().hosts(Role.LB);
        String vip = deployment.topology().network().vip().toString();
        thread = Thread.ofVirtual().name("vip-watch").start(() -> {
            // the load balancers are asked at the same time, so a sample is one moment even on a loaded machine
            try (ExecutorService ask = Executors.newVirtualThreadPerTaskExecutor()) {
                while (running) {
                    long at = clockMicros.getAsLong();
                    List<Future<Boolean>> holds = lbs.stream()
                            .map(lb -> ask.submit(() -> deployment.target().hasAddress(lb, vip))).toList();
                    long holders = 0;
                    for (Future<Boolean> h : holds) {
                        holders += h.get() ? 1 : 0;
                    }
                    split.sample(at, holders);
                    Thread.sleep(Math.max(0, PERIOD_MS - (clockMicros.getAsLong() - at) / 1000));
                }
            } catch (InterruptedException | ExecutionException e) {
                failure = e;
            }
        });
    }

    /**
     * Stops sampling once the sample under way is done; returns the longest split brain seen, in microseconds (0:
     * never two holders), or throws when the watch could not sample.
     */
    long stop() {
        running = false;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw new IllegalStateException("the VIP holders could not be sampled: " + failure, failure);
        }
        return split.longest(clockMicros.getAsLong());
    }

    /** The longest stretch of samples with more than one holder. Pure. */
    static final class Split {
        private long openedAt = -1;
        private long longest;

        synchronized void sample(long atMicros, long holders) {
            if (holders > 1 && openedAt < 0) {
                openedAt = atMicros;
            } else if (holders <= 1 && openedAt >= 0) {
                longest = Math.max(longest, atMicros - openedAt);
                openedAt = -1;
            }
        }

        synchronized long longest(long nowMicros) {
            return openedAt < 0 ? longest : Math.max(longest, nowMicros - openedAt);
        }
    }
}
