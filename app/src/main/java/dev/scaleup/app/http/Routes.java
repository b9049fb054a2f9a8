package dev.scaleup.app.http;

import static java.util.Objects.requireNonNull;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** The routing table, with JSON 404 for unknown paths and JSON 405 for known paths with a wrong method. */
public final class Routes {

    private final RequestFilter filter;
    private final HealthHandlers health;
    private final ApiHandlers api;
    private final Json json;

    public Routes(RequestFilter filter, HealthHandlers health, ApiHandlers api, Json json) {
        this.filter = requireNonNull(filter, "filter is null");
        this.health = requireNonNull(health, "health is null");
        this.api = requireNonNull(api, "api is null");
        this.json = requireNonNull(json, "json is null");
    }

    public void configure(HttpRouting.Builder routing) {
        routing.addFilter(filter)
                .error(Exception.class, new JsonErrorHandler(json))
                .get("/healthz", health::alive)
                .head("/healthz", health::alive)
                .any("/healthz", notAllowed("GET, HEAD"))
                .get("/readyz", health::ready)
                .head("/readyz", health::ready)
                .any("/readyz", notAllowed("GET, HEAD"))
                .get("/api/info", api::info)
                .any("/api/info", notAllowed("GET"))
                .post("/api/visits", api::createVisit)
                .any("/api/visits", notAllowed("POST"))
                .get("/api/visits/{id}", api::getVisit)
                .any("/api/visits/{id}", notAllowed("GET"))
                .any(this::notFound);
    }

    private Handler notAllowed(String allowed) {
        return (req, res) -> {
            res.header(HeaderNames.ALLOW, allowed);
            json.error(res, Status.METHOD_NOT_ALLOWED_405, "method_not_allowed", req.prologue().method().text()
                    + " is not allowed on " + req.path().path() + "; allowed: " + allowed);
        };
    }

    private void notFound(ServerRequest req, ServerResponse res) {
        json.error(res, Status.NOT_FOUND_404, "not_found", "no route for " + req.prologue().method().text() + " "
                + req.path().path());
    }
}
