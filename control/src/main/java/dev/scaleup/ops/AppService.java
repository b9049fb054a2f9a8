package dev.scaleup.ops;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scaleup.render.AppProperties;
import dev.scaleup.runtime.ProcessSpec;
import dev.scaleup.runtime.Readiness;
import dev.scaleup.topology.Host;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * An application server: the app's jar on a JVM, ready when {@code /readyz} answers 200 (database reachable). The
 * JVM runs as {@link #USER}, which can open none of the host's files: the runtime opens app.properties (the database
 * password and the token key, root's, 0600) and hands it over as standard input ({@code --config -}), and opens the
 * log; the jar and the JDK are readable by anyone. A remote-code bug in the app reaches no other host's files, no
 * secret of the state directory and no other app host's properties.
 */
public final class AppService implements HostService {

    /** The unprivileged user every app server runs as. */
    public static final String USER = AppProperties.SERVER_USER;

    static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Deployment deployment;
    private final Tools tools;

    public AppService(Deployment deployment, Tools tools) {
        this.deployment = requireNonNull(deployment, "deployment is null");
        this.tools = requireNonNull(tools, "tools is null");
    }

    @Override
    public List<ProcessSpec> processes(Host host) {
        // with the build's AOT cache when it has one (AppArtifact.ensureAotCache): the JVM starts with less CPU
        Path artifact = deployment.appArtifact(host);
        Path aot = artifact.resolve(AotCache.FILE);
        ProcessSpec app = ProcessSpec.of("app", Files.isRegularFile(aot)
                ? AppProperties.command(deployment.topology(), tools.java(), artifact.resolve("app.jar"), aot)
                : AppProperties.command(deployment.topology(), tools.java(), artifact.resolve("app.jar")));
        List<ProcessSpec> specs = new java.util.ArrayList<>(List.of(app.asUser(USER)
                .withStdin(deployment.paths(host).conf(AppProperties.FILE))));
        specs.addAll(Monitors.exporters(deployment, host)); // node-exporter on a server (with monitoring)
        return List.copyOf(specs);
    }

    /** The host's directory is root's alone: the app server needs nothing in it (see the class comment). */
    @Override
    public String prepare(Host host) {
        deployment.target().own(host, deployment.paths(host).root(), "root", "root", 0700);
        return null;
    }

    @Override
    public void awaitReady(Host host, ProcessSpec spec) {
        if (Monitors.isExporter(spec)) {
            Monitors.awaitListening(deployment, host, spec);
            return;
        }
        Readiness.await(host.name() + " GET " + readyUrl(host) + " = 200", READY_TIMEOUT,
                () -> Readiness.httpOk(readyUrl(host)), () -> deployment.isRunning(host, spec));
    }

    @Override
    public HostHealth health(Host host) {
        Readiness.Answer answer = Readiness.httpAnswer(readyUrl(host), Duration.ofSeconds(2));
        int status = answer.status();
        return HostHealth.of(status == 200, status == 200 ? "ready"
                : status < 0 ? "no answer on /readyz" : "/readyz " + status + notReadyReason(answer.body()));
    }

    /** The app's own reason from a 503's body ({"status":"not_ready","reason":...}), as ": reason", or "". */
    static String notReadyReason(String body) {
        try {
            JsonNode reason = JSON.readTree(body).path("reason");
            return reason.isTextual() && !reason.asText().isBlank() ? ": " + reason.asText() : "";
        } catch (JsonProcessingException | RuntimeException e) {
            return "";
        }
    }

    private String readyUrl(Host host) {
        return "http://" + host.address() + ":" + deployment.topology().app().port() + "/readyz";
    }
}
