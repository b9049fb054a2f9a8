package dev.scaleup.app.http;

import static java.util.Objects.requireNonNull;

import dev.scaleup.app.Readiness;
import dev.scaleup.app.auth.PasswordHasher;
import dev.scaleup.app.auth.Tokens;
import dev.scaleup.app.db.Bank;
import dev.scaleup.app.db.DbCalls;
import dev.scaleup.app.db.DbUnavailableException;
import dev.scaleup.app.db.Posts;
import dev.scaleup.app.db.Users;
import dev.scaleup.app.db.Visits;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The routing table. Every route is registered with its path template, which its handler records for the metrics;
 * a known path with a wrong method is a JSON 405 with {@code Allow}, an unknown path a JSON 404. Handlers refuse a
 * request by throwing {@link ApiException} (its status and code) or {@link DbUnavailableException} (503
 * {@code db_unavailable} with the request id; the database's own error text goes to the log, not to the client).
 */
public final class Routes {

    static final String DB_UNAVAILABLE_MESSAGE = "no database answered in time; try again";
    private static final System.Logger LOG = System.getLogger(Routes.class.getName());

    /** Everything the routes need. */
    public record Services(String hostName, Readiness readiness, InFlightRequests inFlight, AccessLog accessLog,
                           HttpMetrics metrics, PrometheusMeterRegistry registry, DbCalls db, Users users, Bank bank,
                           Posts posts, Visits visits, PasswordHasher hasher, Tokens tokens,
                           long startingBalanceCents, InstantSource clock) {

        public Services {
            requireNonNull(hostName, "hostName is null");
            requireNonNull(readiness, "readiness is null");
            requireNonNull(inFlight, "inFlight is null");
            requireNonNull(accessLog, "accessLog is null");
            requireNonNull(metrics, "metrics is null");
            requireNonNull(registry, "registry is null");
            requireNonNull(db, "db is null");
            requireNonNull(users, "users is null");
            requireNonNull(bank, "bank is null");
            requireNonNull(posts, "posts is null");
            requireNonNull(visits, "visits is null");
            requireNonNull(hasher, "hasher is null");
            requireNonNull(tokens, "tokens is null");
            requireNonNull(clock, "clock is null");
        }
    }

    private final Json json = new Json();
    private final RequestFilter filter;
    private final HealthHandlers health;
    private final ApiHandlers api;
    private final AccountHandlers accounts;
    private final PostHandlers posts;
    private final PrometheusMeterRegistry registry;

    public Routes(Services s) {
        requireNonNull(s, "services is null");
        ReadRouting reads = new ReadRouting(s.clock());
        JsonInput input = new JsonInput();
        BearerAuth auth = new BearerAuth(s.tokens());
        KeyedWrites keyed = new KeyedWrites(reads, json);
        this.filter = new RequestFilter(s.hostName(), s.inFlight(), json, s.accessLog(), s.metrics());
        this.health = new HealthHandlers(s.hostName(), s.readiness(), json);
        this.api = new ApiHandlers(s.hostName(), s.db(), s.visits(), keyed, json);
        this.accounts = new AccountHandlers(s.users(), s.bank(), s.hasher(), s.tokens(), auth, input, reads, keyed,
                json, s.startingBalanceCents());
        this.posts = new PostHandlers(s.posts(), auth, input, reads, keyed, json);
        this.registry = s.registry();
    }

    public void configure(HttpRouting.Builder routing) {
        routing.addFilter(filter).error(Exception.class, new JsonErrorHandler(json));
        route(routing, "/healthz", Map.of(Method.GET, health::alive, Method.HEAD, health::alive));
        route(routing, "/readyz", Map.of(Method.GET, health::ready, Method.HEAD, health::ready));
        route(routing, "/metrics", Map.of(Method.GET, this::metrics));
        route(routing, "/api/info", Map.of(Method.GET, api::info));
        route(routing, "/api/visits", Map.of(Method.POST, api::createVisit));
        route(routing, "/api/visits/{id}", Map.of(Method.GET, api::getVisit));
        route(routing, "/api/users", Map.of(Method.POST, accounts::createUser));
        route(routing, "/api/sessions", Map.of(Method.POST, accounts::createSession));
        route(routing, "/api/accounts/me", Map.of(Method.GET, accounts::myAccount));
        route(routing, "/api/transfers", Map.of(Method.GET, accounts::listTransfers,
                Method.POST, accounts::createTransfer));
        route(routing, "/api/posts", Map.of(Method.GET, posts::list, Method.POST, posts::create));
        route(routing, "/api/posts/{id}", Map.of(Method.GET, posts::get));
        routing.any(this::notFound);
    }

    private void route(HttpRouting.Builder routing, String template, Map<Method, Handler> byMethod) {
        Map<Method, Handler> ordered = new LinkedHashMap<>();
        for (Method method : new Method[] {Method.GET, Method.HEAD, Method.POST}) {
            if (byMethod.containsKey(method)) {
                ordered.put(method, byMethod.get(method));
            }
        }
        if (ordered.size() != byMethod.size()) {
            throw new IllegalArgumentException("unexpected method in " + byMethod.keySet());
        }
        ordered.forEach((method, handler) -> routing.route(method, template, wrap(template, handler)));
        String allowed = ordered.keySet().stream().map(Method::text).collect(Collectors.joining(", "));
        routing.any(template, wrap(template, notAllowed(allowed)));
    }

    private Handler wrap(String template, Handler handler) {
        return (req, res) -> {
            req.context().register(new RequestFilter.MatchedRoute(template));
            try {
                handler.handle(req, res);
            } catch (ApiException e) {
                if (e.closeConnection()) {
                    res.header(HeaderNames.CONNECTION, "close");
                }
                json.error(res, e.status(), e.code(), e.getMessage());
            } catch (DbUnavailableException e) {
                String requestId = RequestFilter.requestId(res);
                LOG.log(Level.WARNING, "request {0} ({1} {2}): 503 db_unavailable: {3}", requestId,
                        req.prologue().method().text(), req.path().rawPath(), e.getMessage());
                json.send(res, Status.SERVICE_UNAVAILABLE_503, new Json.ServerErrorBody("db_unavailable",
                        DB_UNAVAILABLE_MESSAGE, requestId));
            }
        };
    }

    private void metrics(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(registry.scrape().getBytes(StandardCharsets.UTF_8));
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
