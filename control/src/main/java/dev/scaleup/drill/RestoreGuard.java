package dev.scaleup.drill;

import dev.scaleup.ops.Progress;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Makes sure an injected fault is restored exactly once: by the drill when it is time, or by a JVM shutdown hook
 * when the operator presses Ctrl-C (or the JVM is asked to exit) in between.
 */
final class RestoreGuard implements AutoCloseable {

    private final Callable<String> restore;
    private final Progress progress;
    private final AtomicBoolean claimed = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    RestoreGuard(String what, Callable<String> restore, Progress progress) {
        this.restore = restore;
        this.progress = progress;
        this.hook = new Thread(() -> {
            if (claimed.get()) {
                awaitFinished();
                return;
            }
            progress.step("interrupted: restoring the fault (" + what + ") before exiting");
            try {
                String done = restoreOnce();
                if (done != null) {
                    progress.step("restored: " + done);
                }
            } catch (Exception e) {
                progress.step("the restore failed: " + e.getMessage() + "; run `scaleup up` to mend the stack");
            }
        }, "drill-restore-on-exit");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Restores unless that is done or under way (then waits for it); returns the sentence, or null. */
    String restoreOnce() throws Exception {
        if (!claimed.compareAndSet(false, true)) {
            awaitFinished();
            return null;
        }
        try {
            return restore.call();
        } finally {
            finished.countDown();
        }
    }

    boolean restored() {
        return claimed.get() && finished.getCount() == 0;
    }

    private void awaitFinished() {
        try {
            finished.await(180, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs or has run
        }
    }

    Progress progress() {
        return progress;
    }
}
