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
import java.lang.System.Logger.Level;

/**
 * Wraps every request: sets {@code X-Served-By-App} and {@code X-Request-Id}, counts it in flight, turns stray
 * exceptions into JSON errors and writes the access log line.
 */
public final class RequestFilter implements Filter {

    static final HeaderName SERVED_BY = HeaderNames.create("X-Served-By-App");
    static final HeaderName REQUEST_ID = HeaderNames.create("X-Request-Id");
    private static final System.Logger LOG = System.getLogger(RequestFilter.class.getName());

    private final String hostName;
    private final InFlightRequests inFlight;
    private final Json json;
    private final AccessLog accessLog;

    public RequestFilter(String hostName, InFlightRequests inFlight, Json json, AccessLog accessLog) {
        this.hostName = requireNonNull(hostName, "hostName is null");
        this.inFlight = requireNonNull(inFlight, "inFlight is null");
        this.json = requireNonNull(json, "json is null");
        this.accessLog = requireNonNull(accessLog, "accessLog is null");
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long start = System.nanoTime();
        String requestId = RequestIds.fromOrNew(req.headers().first(REQUEST_ID));
        res.header(SERVED_BY, hostName);
        res.header(REQUEST_ID, requestId);
        inFlight.enter();
        try {
            chain.proceed();
        } catch (HttpException e) {
            Status status = e.status();
            if (status.code() >= 500) {
                LOG.log(Level.ERROR, "request " + requestId + " failed", e);
            }
            sendIfPossible(res, status, Json.errorCode(status), e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "request " + requestId + " failed", e);
            sendIfPossible(res, Status.INTERNAL_SERVER_ERROR_500, "internal_error",
                    "unexpected " + e.getClass().getSimpleName() + "; request id " + requestId);
        } finally {
            inFlight.exit();
            accessLog.log(req.prologue().method().text(), req.prologue().uriPath().rawPath(),
                    res.status().code(), System.nanoTime() - start, requestId);
        }
    }

    private void sendIfPossible(RoutingResponse res, Status status, String error, String message) {
        if (!res.isSent()) {
            json.error(res, status, error, message == null ? status.reasonPhrase() : message);
        }
    }
}
