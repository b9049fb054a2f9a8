package dev.scaleup.app.http;

import static java.util.Objects.requireNonNull;

import dev.scaleup.app.Readiness;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Optional;

/** {@code /healthz} (the process is alive) and {@code /readyz} (it should get traffic). */
public final class HealthHandlers {

    public record Alive(String status, String host) {
    }

    public record Ready(String status) {
    }

    public record NotReady(String status, String reason) {
    }

    private final String hostName;
    private final Readiness readiness;
    private final Json json;

    public HealthHandlers(String hostName, Readiness readiness, Json json) {
        this.hostName = requireNonNull(hostName, "hostName is null");
        this.readiness = requireNonNull(readiness, "readiness is null");
        this.json = requireNonNull(json, "json is null");
    }

    public void alive(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        json.send(res, Status.OK_200, new Alive("alive", hostName));
    }

    public void ready(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        Optional<String> reason = readiness.notReadyReason();
        if (reason.isEmpty()) {
            json.send(res, Status.OK_200, new Ready("ready"));
        } else {
            json.send(res, Status.SERVICE_UNAVAILABLE_503, new NotReady("not_ready", reason.get()));
        }
    }
}
