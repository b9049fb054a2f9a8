package dev.scaleup.ops;

import static java.util.Objects.requireNonNull;

import dev.scaleup.runtime.StateDir;
import java.nio.file.Path;

/**
 * The frame every change to a running deployment shares, opened in one place: the deployment exists and its
 * topology is loaded, the operation lock is held (one change at a time), progress goes to the deployment log, and
 * each step is one sentence shown to the operator and kept in the audit trail ({@code scaleup history}). While it
 * runs its {@link Journal} is on disk; one left by an interrupted operation is repaired first ({@link Repair}).
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
    /** Held by the operation that opened the frame (released by close), null in a frame nested in another. */
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
        return start(deployment, progress, new History(state.historyFile(), name), name);
    }

    /** The frame of {@code up} (state directory made by the caller): locked and journaled, no audit trail. */
    static Operation up(Deployment deployment, Progress progress) {
        return start(deployment, progress, History.none(), "up", true);
    }

    /** The frame of {@code down}: locked; what an interrupted operation left is not mended, it is all removed. */
    static Operation down(Deployment deployment, Progress progress) {
        return start(deployment, progress, History.none(), "down", false);
    }

    private static Operation start(Deployment deployment, Progress progress, History history, String name) {
        return start(deployment, progress, history, name, true);
    }

    private static Operation start(Deployment deployment, Progress progress, History history, String name,
                                   boolean mendInterrupted) {
        StateDir state = deployment.state();
        OperationLock lock = OperationLock.acquire(state.lockFile(), name);
        try {
            Operation op = new Operation(deployment, progress, history, lock);
            Journal.read(state).filter(j -> mendInterrupted).ifPresent(interrupted -> op.mend(interrupted));
            Journal.now(name).write(state);
            return op;
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
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

    private void mend(Journal interrupted) {
        step(interrupted.describe() + " did not finish; mending what it may have left half done");
        try {
            // on the topology the deployment runs (stored), not one an up was asked to apply
            Deployment.open(deployment.state(), deployment.repoRoot()).provisioner().mend().forEach(this::step);
        } catch (RuntimeException e) {
            // not fatal: up renders every file again, and the operation itself may need the hosts it could not reach
            step("could not mend all of it (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    /** Ends the operation (done, or failed with its reason reported): its journal goes, then the lock. */
    @Override
    public void close() {
        if (lock != null) {
            try {
                if (java.nio.file.Files.isDirectory(deployment.state().real())) { // down removed it
                    Journal.remove(deployment.state());
                }
            } finally {
                lock.close();
            }
        }
    }
}
