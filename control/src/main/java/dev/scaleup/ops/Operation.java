package dev.scaleup.ops;

import static java.util.Objects.requireNonNull;

import dev.scaleup.runtime.StateDir;
import java.nio.file.Path;

/**
 * The frame every change to a running deployment shares, opened in one place: the deployment exists and its
 * topology is loaded, the operation lock is held (one change at a time), progress goes to the deployment log, and
 * each step is one sentence shown to the operator and kept in the audit trail ({@code scaleup history}).
 * <pre>
 *   try (Operation op = Operation.begin(state, repoRoot, "scale", progress)) {
 *       op.step("...");                                  // shown, logged, audited
 *   } // lock released
 * </pre>
 */
public final class Operation implements AutoCloseable {

    private final Deployment deployment;
    private final Progress progress;
    private final History history;
    private final OperationLock lock;

    private Operation(Deployment deployment, Progress progress, History history, OperationLock lock) {
        this.deployment = requireNonNull(deployment, "deployment is null");
        this.progress = requireNonNull(progress, "progress is null");
        this.history = requireNonNull(history, "history is null");
        this.lock = lock;
    }

    /** Opens the running deployment for the operation {@code name} and takes the lock; refused when there is none. */
    public static Operation begin(StateDir state, Path repoRoot, String name, Progress progress) {
        Deployment deployment = Deployment.open(state, repoRoot);
        progress.logTo(state.log());
        OperationLock lock = OperationLock.acquire(state.lockFile(), name);
        return new Operation(deployment, progress, new History(state.historyFile(), name), lock);
    }

    /** Steps taken on behalf of another command that holds no lock and keeps no audit trail (up's rolling restart). */
    static Operation within(Deployment deployment, Progress progress) {
        return new Operation(deployment, progress, History.none(), null);
    }

    /** The same operation on another topology of the deployment (a scale's target), under the same lock. */
    Operation on(Deployment other) {
        return new Operation(other, progress, history, null);
    }

    public Deployment deployment() {
        return deployment;
    }

    public Services services() {
        return deployment.services();
    }

    public Progress progress() {
        return progress;
    }

    /** A step: shown to the operator, appended to the deployment log and to the audit trail. */
    public void step(String sentence) {
        progress.step(sentence);
        history.record(sentence);
    }

    /** A step shown and logged that changes nothing worth an audit line ("nothing to do"). */
    public void say(String sentence) {
        progress.step(sentence);
    }

    /** Records the failure in the audit trail (first line of its message) and returns it wrapped with {@code what}. */
    public OperatorException failed(String what, RuntimeException cause) {
        String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        history.record("failed: " + message.lines().findFirst().orElse(""));
        return new OperatorException(what + message, cause);
    }

    public double elapsedSeconds() {
        return progress.elapsedSeconds();
    }

    @Override
    public void close() {
        if (lock != null) {
            lock.close();
        }
    }
}
