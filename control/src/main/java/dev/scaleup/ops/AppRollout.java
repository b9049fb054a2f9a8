package dev.scaleup.ops;

import static java.util.Objects.requireNonNull;

import dev.scaleup.runtime.ProcessSpec;
import dev.scaleup.runtime.Readiness;
import dev.scaleup.runtime.Target;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Restarts app hosts a batch at a time without failing a request:
 * <pre>
 *   drain    mark the batch down in every nginx upstream, reload nginx (in-flight requests finish on old workers)
 *   stop     SIGTERM: the app turns /readyz 503, finishes what it serves, closes its pools
 *   start    the chosen build, new app.properties
 *   gate     /readyz = 200 within the deadline, else: stop it, start the previous build, undrain, fail
 *   undrain  back in every nginx upstream
 * </pre>
 */
final class AppRollout {

    private final Operation op;
    private final Deployment deployment;
    private final Target target;
    private final Services services;

    AppRollout(Operation op) {
        this.op = requireNonNull(op, "op is null");
        this.deployment = op.deployment();
        this.target = deployment.target();
        this.services = deployment.services();
    }

    /**
     * @param artifact the build to run from now on, or null to keep each host's
     * @param previous the build to go back to when a host fails its health gate, or null to keep the host's own
     */
    void restart(List<Host> hosts, int batchSize, Path artifact, Path previous) {
        for (int i = 0; i < hosts.size(); i += batchSize) {
            List<Host> batch = hosts.subList(i, Math.min(hosts.size(), i + batchSize));
            List<String> names = batch.stream().map(Host::name).toList();
            setDrained(names, true);
            step("drained " + String.join(", ", names) + " in every nginx upstream");
            try {
                for (Host host : batch) {
                    restartOne(host, artifact, previous);
                }
            } finally {
                setDrained(names, false);
                step(String.join(", ", names) + " back in every nginx upstream");
            }
        }
    }

    private void restartOne(Host host, Path artifact, Path previous) {
        AppService app = (AppService) services.of(Role.APP);
        Path before = deployment.appArtifact(host);
        stop(host, app);
        if (artifact != null) {
            deployment.useAppArtifact(host, artifact);
        }
        ConfigFiles.write(deployment, host, deployment.render(host));
        try {
            start(host, app);
        } catch (Readiness.NotReadyException | IllegalStateException e) {
            // not ready in time, or the process exited at once (a corrupt jar: "did not start")
            String failed = deployment.appArtifact(host).getFileName().toString();
            String tail = target.logTail(host, "app", 10);
            stop(host, app);
            Path back = previous != null ? previous : before;
            deployment.useAppArtifact(host, back);
            start(host, app);
            step(host.name() + ": rolled back to " + back.getFileName() + " after the failed health gate");
            throw new OperatorException(host.name() + " failed its health gate on " + failed
                    + " and runs " + back.getFileName() + " again: " + e.getMessage() + "\n--- last lines of its log ---\n" + tail);
        }
    }

    private void stop(Host host, AppService app) {
        ProcessSpec spec = app.processes(host).get(0);
        if (deployment.isRunning(host, spec)) {
            step(host.name() + ": " + target.stop(host, spec, Down.STOP_DEADLINE));
        }
    }

    private void start(Host host, AppService app) {
        ProcessSpec spec = app.processes(host).get(0);
        long begin = System.nanoTime();
        long pid = target.start(host, spec);
        step(host.name() + ": started app " + deployment.appArtifact(host).getFileName() + " (pid " + pid + ")");
        app.awaitReady(host, spec);
        step(String.format("%s: app ready in %.1f s", host.name(), (System.nanoTime() - begin) / 1e9));
    }

    /** Re-renders nginx.conf on every running web host with the drain set changed, and reloads it. */
    private void setDrained(List<String> names, boolean drained) {
        Set<String> set = new HashSet<>(deployment.drainedApps());
        if (drained) {
            set.addAll(names);
        } else {
            names.forEach(set::remove);
        }
        deployment.setDrainedApps(set);
        for (Host host : deployment.topology().hosts(Role.WEB)) {
            ConfigFiles.refresh(deployment, host);
        }
        // nginx's old workers finish their requests and close their upstream connections
        sleep(300);
    }

    private void step(String sentence) {
        op.step(sentence);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperatorException("interrupted");
        }
    }
}
