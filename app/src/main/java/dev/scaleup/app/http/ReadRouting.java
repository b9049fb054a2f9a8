package dev.scaleup.app.http;

import static java.util.Objects.requireNonNull;

import dev.scaleup.app.db.DbCalls.Target;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.InstantSource;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Read-your-writes over a lagging replica. Every successful write sets the cookie
 * {@code su_lw=<epoch millis>; Path=/; HttpOnly; SameSite=Lax; Max-Age=10}; a read that may be stale normally goes to
 * the replica pool, but a request carrying an {@code su_lw} younger than {@value #FRESH_MILLIS} ms goes to the
 * primary, so a client sees its own post right after writing it, on whichever app server it lands. The age is
 * measured with the app servers' clocks (kept in sync by NTP); a value more than that far in the future is
 * ignored.
 */
final class ReadRouting {

    static final String COOKIE = "su_lw";
    static final long FRESH_MILLIS = 5_000;
    static final int MAX_AGE_SECONDS = 10;
    private static final Pattern VALUE = Pattern.compile("(?:^|;)\\s*" + COOKIE + "=\"?([0-9]{1,19})\"?\\s*(?:;|$)");

    private final InstantSource clock;

    ReadRouting(InstantSource clock) {
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** The primary when the caller wrote within the last few seconds, else the replica. */
    Target forStaleRead(ServerRequest req) {
        return recentWrite(req) ? Target.PRIMARY : Target.REPLICA;
    }

    boolean recentWrite(ServerRequest req) {
        return req.headers().contains(HeaderNames.COOKIE)
                && recentWrite(req.headers().get(HeaderNames.COOKIE).allValues(), clock.millis());
    }

    /** Whether any {@code Cookie} header holds an {@code su_lw} within {@value #FRESH_MILLIS} ms of {@code now}. */
    static boolean recentWrite(List<String> cookieHeaders, long now) {
        for (String header : cookieHeaders) {
            Matcher m = VALUE.matcher(header);
            while (m.find()) {
                try {
                    long written = Long.parseLong(m.group(1));
                    if (Math.abs(now - written) < FRESH_MILLIS) {
                        return true;
                    }
                } catch (NumberFormatException e) {
                    // more than a long: not ours
                }
            }
        }
        return false;
    }

    /** Marks the response of a successful write. */
    void wrote(ServerResponse res) {
        res.header(HeaderNames.SET_COOKIE, cookie(clock.millis()));
    }

    static String cookie(long nowMillis) {
        return COOKIE + "=" + nowMillis + "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" + MAX_AGE_SECONDS;
    }
}
