package dev.scaleup.logs;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.Month;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The time a log line was written, from the formats the stack's processes write (the first one found near the start
 * of the line wins):
 * <ul>
 *   <li>ISO-like, as the app, Patroni, PostgreSQL, etcd (JSON {@code "ts"}) and journald ({@code short-iso-precise})
 *       write it: {@code 2026-12-01T04:26:39.123}, {@code 2026-12-01 04:26:21,742}, with {@code Z} or an offset or
 *       {@code UTC} when given;</li>
 *   <li>nginx's error log {@code 2026/12/01 04:26:39} and access log {@code [01/Dec/2026:04:26:39 +0000]};</li>
 *   <li>keepalived's {@code Tue Dec  1 04:26:38 2026:}.</li>
 * </ul>
 * A time without a zone is in {@code zone} (the machine's, where the lines were written).
 */
public final class LogTimes {

    /** How far into a line the time may start: a prefix such as {@code {"level":"warn","ts":"} fits. */
    static final int SEARCH_LIMIT = 40;

    private static final Pattern ISO = Pattern.compile(
            "(\\d{4})-(\\d{2})-(\\d{2})[T ](\\d{2}):(\\d{2}):(\\d{2})(?:[.,](\\d{1,9}))?(Z|[+-]\\d{2}:?\\d{2}| UTC)?");
    private static final Pattern NGINX_ERROR = Pattern.compile("(\\d{4})/(\\d{2})/(\\d{2}) (\\d{2}):(\\d{2}):(\\d{2})");
    private static final Pattern NGINX_ACCESS = Pattern.compile(
            "\\[(\\d{2})/([A-Z][a-z]{2})/(\\d{4}):(\\d{2}):(\\d{2}):(\\d{2}) ([+-]\\d{4})\\]");
    private static final Pattern CTIME = Pattern.compile(
            "^[A-Z][a-z]{2} ([A-Z][a-z]{2}) +(\\d{1,2}) (\\d{2}):(\\d{2}):(\\d{2}) (\\d{4})");

    private LogTimes() {}

    public static Optional<Instant> parse(String line, ZoneId zone) {
        try {
            return find(line, zone);
        } catch (java.time.DateTimeException | IllegalArgumentException e) {
            return Optional.empty(); // looked like a time, was none (a 13th month, a made-up weekday)
        }
    }

    private static Optional<Instant> find(String line, ZoneId zone) {
        String head = line.length() > SEARCH_LIMIT + 40 ? line.substring(0, SEARCH_LIMIT + 40) : line;
        Matcher m = ISO.matcher(head);
        if (m.find() && m.start() <= SEARCH_LIMIT) {
            LocalDateTime t = LocalDateTime.of(num(m, 1), num(m, 2), num(m, 3), num(m, 4), num(m, 5), num(m, 6),
                    nanos(m.group(7)));
            return Optional.of(t.atZone(zone(m.group(8), zone)).toInstant());
        }
        m = NGINX_ACCESS.matcher(head);
        if (m.find() && m.start() <= SEARCH_LIMIT) {
            LocalDateTime t = LocalDateTime.of(num(m, 3), month(m.group(2)), num(m, 1), num(m, 4), num(m, 5), num(m, 6));
            return Optional.of(t.atZone(zone(m.group(7), zone)).toInstant());
        }
        m = NGINX_ERROR.matcher(head);
        if (m.find() && m.start() <= SEARCH_LIMIT) {
            return Optional.of(LocalDateTime.of(num(m, 1), num(m, 2), num(m, 3), num(m, 4), num(m, 5), num(m, 6))
                    .atZone(zone).toInstant());
        }
        m = CTIME.matcher(head);
        if (m.find()) {
            return Optional.of(LocalDateTime.of(num(m, 6), month(m.group(1)), num(m, 2), num(m, 3), num(m, 4), num(m, 5))
                    .atZone(zone).toInstant());
        }
        return Optional.empty();
    }

    private static int num(Matcher m, int group) {
        return Integer.parseInt(m.group(group));
    }

    private static int nanos(String fraction) {
        if (fraction == null) {
            return 0;
        }
        return Integer.parseInt((fraction + "000000000").substring(0, 9));
    }

    private static ZoneId zone(String given, ZoneId fallback) {
        if (given == null) {
            return fallback;
        }
        String z = given.strip();
        if (z.equals("Z") || z.equals("UTC")) {
            return ZoneOffset.UTC;
        }
        if (!z.contains(":")) {
            z = z.substring(0, 3) + ":" + z.substring(3);
        }
        return ZoneOffset.of(z);
    }

    private static Month month(String abbreviation) {
        for (Month month : Month.values()) {
            if (month.getDisplayName(java.time.format.TextStyle.SHORT, Locale.ROOT).equals(abbreviation)) {
                return month;
            }
        }
        throw new IllegalArgumentException("not a month: " + abbreviation);
    }
}
