package dev.scaleup.loadgen;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/** Classifies what happened to one attempt, and says which outcomes a client retries. Pure. */
public final class Outcomes {

    private Outcomes() {
    }

    /** The report key of an HTTP status: {@code http_503}. */
    public static String statusKey(int status) {
        return "http_" + status;
    }

    /** 2xx: the request did what it asked for. */
    public static boolean isSuccess(int status) {
        return status >= 200 && status < 300;
    }

    /**
     * Statuses a proxy answers when it could not get an answer from the tier behind it: the same request may
     * succeed on the next try. Everything else (4xx, 500, …) is the server's final word.
     */
    public static boolean isRetryableStatus(int status) {
        return status == 502 || status == 503 || status == 504;
    }

    /** The kind of a failure to get an HTTP answer, from the exception and its causes. */
    public static ErrorKind classify(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = failure; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        if (any(chain, t -> t instanceof HttpConnectTimeoutException)) {
            return ErrorKind.CONNECT_TIMEOUT;
        }
        if (any(chain, t -> t instanceof NoRouteToHostException || message(t).contains("no route to host")
                || message(t).contains("host is unreachable") || message(t).contains("network is unreachable"))) {
            return ErrorKind.NO_ROUTE;
        }
        if (any(chain, t -> message(t).contains("connection refused"))) {
            return ErrorKind.CONNECTION_REFUSED;
        }
        if (any(chain, t -> t instanceof ConnectException && message(t).contains("timed out"))) {
            return ErrorKind.CONNECT_TIMEOUT;
        }
        if (any(chain, t -> t instanceof ConnectException)) {
            // the JDK client reports a refused connect as ConnectException(null) caused by ClosedChannelException
            return ErrorKind.CONNECTION_REFUSED;
        }
        if (any(chain, t -> t instanceof HttpTimeoutException || t instanceof TimeoutException
                || t instanceof SocketTimeoutException)) {
            return ErrorKind.TIMEOUT;
        }
        if (any(chain, t -> message(t).contains("connection reset") || message(t).contains("broken pipe"))) {
            return ErrorKind.CONNECTION_RESET;
        }
        if (any(chain, t -> t instanceof EOFException || t instanceof ClosedChannelException
                || message(t).contains("received no bytes") || message(t).contains("closed")
                || message(t).contains("eof"))) {
            return ErrorKind.CONNECTION_CLOSED;
        }
        return ErrorKind.IO_ERROR;
    }

    private static boolean any(List<Throwable> chain, java.util.function.Predicate<Throwable> test) {
        return chain.stream().anyMatch(test);
    }

    private static String message(Throwable t) {
        String m = t.getMessage();
        return m == null ? "" : m.toLowerCase(Locale.ROOT);
    }
}
