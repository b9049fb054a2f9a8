package dev.scaleup.ops;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scaleup.render.Etcd;
import dev.scaleup.runtime.ProcessSpec;
import dev.scaleup.runtime.Readiness;
import dev.scaleup.topology.Host;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The etcd cluster Patroni keeps its leader key in: its members, their processes, and whether it has quorum. Each
 * member runs as the user {@link #USER} (Debian's etcd package makes it), owner of its data directory alone.
 */
public final class Coordination {

    /** The unprivileged user of every etcd member; its group may pass through the db host's directory to the data. */
    public static final String USER = "etcd";

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
        return Optional.of(ProcessSpec.of("etcd", Etcd.command(deployment.topology(), host, deployment.paths(host)))
                .asUser(USER));
    }

    /**
     * The member's data directory, etcd's alone (0700), before it starts; also given over when an older etcd, run as
     * root, left it root's.
     */
    public void prepare(Host member) {
        Path dir = Etcd.dataDir(deployment.paths(member));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + dir, e);
        }
        deployment.target().ownTrees(member, List.of(dir), USER);
        deployment.target().own(member, dir, USER, USER, 0700);
    }

    /** True when this member answers /health with {"health":"true"}: it is part of a cluster with quorum. */
    public boolean healthy(Host member) {
        return field(member, "/health", "health").equals("true");
    }

    /** True when this member says it is the etcd leader ({@code GET /v2/stats/self}: "state": "StateLeader"). */
    public boolean leads(Host member) {
        return field(member, "/v2/stats/self", "state").equals("StateLeader");
    }

    /** One field of the member's JSON answer to a GET on its client port; "" when it does not answer 200 in 1 s. */
    private static String field(Host member, String path, String name) {
        try {
            HttpRequest request = HttpRequest.newBuilder(
                    URI.create("http://" + member.address() + ":" + Etcd.CLIENT_PORT + path))
                    .timeout(Duration.ofSeconds(1)).GET().build();
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? JSON.readTree(response.body()).path(name).asText() : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** Waits until a majority of members report a healthy cluster. */
    public void awaitQuorum(Duration timeout) {
        int majority = members().size() / 2 + 1;
        Readiness.await("etcd quorum (" + majority + " of " + members().size() + " members healthy)", timeout,
                () -> members().stream().filter(this::healthy).count() >= majority, () -> true);
    }
}
