package dev.scaleup.ops;

import static java.util.Objects.requireNonNull;

import dev.scaleup.render.AppProperties;
import dev.scaleup.runtime.ProcessSpec;
import dev.scaleup.runtime.Readiness;
import dev.scaleup.topology.Host;
import java.time.Duration;
import java.util.List;

/** An application server: the app's jar on a JVM, ready when {@code /readyz} answers 200 (database reachable). */
public final class AppService implements HostService {

    static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private final Deployment deployment;
    private final Tools tools;

    public AppService(Deployment deployment, Tools tools) {
        this.deployment = requireNonNull(deployment, "deployment is null");
        this.tools = requireNonNull(tools, "tools is null");
    }

    @Override
    public List<ProcessSpec> processes(Host host) {
        return List.of(ProcessSpec.of("app", AppProperties.command(deployment.topology(), tools.java(),
                deployment.appArtifact(host).resolve("app.jar"), deployment.paths(host))));
    }

    @Override
    public void awaitReady(Host host, ProcessSpec spec) {
        Readiness.await(host.name() + " GET " + readyUrl(host) + " = 200", READY_TIMEOUT,
                () -> Readiness.httpOk(readyUrl(host)), () -> deployment.isRunning(host, spec));
    }

    @Override
    public HostHealth health(Host host) {
        int status = Readiness.httpStatus(readyUrl(host), Duration.ofSeconds(2));
        return HostHealth.of(status == 200, status == 200 ? "ready" : status < 0 ? "no answer on /readyz" : "/readyz " + status);
    }

    private String readyUrl(Host host) {
        return "http://" + host.address() + ":" + deployment.topology().app().port() + "/readyz";
    }
}
