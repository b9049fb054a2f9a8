package dev.scaleup.app.http;

import static java.util.Objects.requireNonNull;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerResponse;
import java.lang.System.Logger.Level;

/**
 * Wraps every request: sets {@code X-Served-By-App} and {@code X-Request-Id}, refuses a declared body over
 * {@value JsonInput#MAX_BODY_BYTES} bytes (413), counts it in flight, turns stray exceptions into JSON errors, writes
 * the access log line and records the request's metrics.
 */
public final class RequestFilter implements Filter {

    static final HeaderName SERVED_BY = HeaderNames.create("X-Served-By-App");
    static final HeaderName REQUEST_ID = HeaderNames.create("X-Request-Id");
    private static final System.Logger LOG = System.getLogger(RequestFilter.class.getName());

    private final String hostName;
    private final InFlightRequests inFlight;
    private final Json json;
    private final AccessLog accessLog;
    private final HttpMetrics metrics;

    public RequestFilter(String hostName, InFlightRequests inFlight, Json json, AccessLog accessLog,
                         HttpMetrics metrics) {
        this.hostName = requireNonNull(hostName, "hostName is null");
        this.inFlight = requireNonNull(inFlight, "inFlight is null");
        this.json = requireNonNull(json, "json is null");
        this.accessLog = requireNonNull(accessLog, "accessLog is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
    }

    /** The request id the filter gave the request (and set on its response). */
    static String requestId(ServerResponse res) {
        return res.headers().first(REQUEST_ID).orElse("-");
    }

    /** The route template that matched the request, recorded by the route's handler for the metrics. */
    record MatchedRoute(String template) {
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long start = System.nanoTime();
        String requestId = RequestIds.fromOrNew(req.headers().first(REQUEST_ID));
        res.header(SERVED_BY, hostName);
        res.header(REQUEST_ID, requestId);
        inFlight.enter();
        try {
            long declared = req.headers().contentLength().orElse(0);
            if (declared > JsonInput.MAX_BODY_BYTES) {
                // refused before routing, on every route; a huge body is not even read: the connection closes
                if (declared > JsonInput.DISCARD_MAX_BYTES || !JsonInput.discard(req)) {
                    res.header(HeaderNames.CONNECTION, "close");
                }
                json.error(res, Status.REQUEST_ENTITY_TOO_LARGE_413, "payload_too_large",
                        JsonInput.TOO_LARGE_MESSAGE);
                return;
            }
            chain.proceed();
        } catch (HttpException e) {
            Status status = e.status();
            if (status.code() >= 500) {
                // the exception's message is the server's business: logged, not answered
                LOG.log(Level.ERROR, "request " + requestId + " failed", e);
                sendIfPossible(res, status, Json.errorCode(status), status.reasonPhrase() + "; request id "
                        + requestId);
            } else {
                sendIfPossible(res, status, Json.errorCode(status), e.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "request " + requestId + " failed", e);
            sendIfPossible(res, Status.INTERNAL_SERVER_ERROR_500, "internal_error",
                    "unexpected " + e.getClass().getSimpleName() + "; request id " + requestId);
        } finally {
            inFlight.exit();
            long duration = System.nanoTime() - start;
            String method = req.prologue().method().text();
            accessLog.log(method, req.prologue().uriPath().rawPath(), res.status().code(), duration, requestId);
            metrics.record(method, req.context().get(MatchedRoute.class).map(MatchedRoute::template).orElse(null),
                    res.status().code(), duration);
        }
    }

    private void sendIfPossible(RoutingResponse res, Status status, String error, String message) {
        if (!res.isSent()) {
            json.error(res, status, error, message == null ? status.reasonPhrase() : message);
        }
    }
}
