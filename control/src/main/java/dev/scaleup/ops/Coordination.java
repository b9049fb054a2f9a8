package dev.scaleup.ops;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scaleup.render.Etcd;
import dev.scaleup.runtime.ProcessSpec;
import dev.scaleup.runtime.Readiness;
import dev.scaleup.topology.Host;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The etcd cluster Patroni keeps its leader key in: its members, their processes, and whether it has quorum. */
public final class Coordination {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Deployment deployment;

    public Coordination(Deployment deployment) {
        this.deployment = requireNonNull(deployment, "deployment is null");
    }

    public List<Host> members() {
        return Etcd.members(deployment.topology());
    }

    public boolean isMember(Host host) {
        return members().contains(host);
    }

    public Optional<ProcessSpec> process(Host host) {
        if (!isMember(host)) {
            return Optional.empty();
        }
        return Optional.of(ProcessSpec.of("etcd", Etcd.command(deployment.topology(), host, deployment.paths(host))));
    }

    /** True when this member answers /health with {"health":"true"}: it is part of a cluster with quorum. */
    public boolean healthy(Host member) {
        try {
            HttpRequest request = HttpRequest.newBuilder(
                    URI.create("http://" + member.address() + ":" + Etcd.CLIENT_PORT + "/health"))
                    .timeout(Duration.ofSeconds(1)).GET().build();
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && "true".equals(JSON.readTree(response.body()).path("health").asText());
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits until a majority of members report a healthy cluster. */
    public void awaitQuorum(Duration timeout) {
        int majority = members().size() / 2 + 1;
        Readiness.await("etcd quorum (" + majority + " of " + members().size() + " members healthy)", timeout,
                () -> members().stream().filter(this::healthy).count() >= majority, () -> true);
    }
}
