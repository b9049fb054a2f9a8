package dev.scaleup.logs;

import static java.util.Objects.requireNonNull;

import dev.scaleup.runtime.Target;
import dev.scaleup.topology.Host;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code scaleup logs}: the logs of some hosts, every source of each (netns: its log files; servers: its units'
 * journals), as one list ordered by the time each line was written ({@link LogTimes}), filtered.
 */
public final class Logs {

    /** One line of a log, with the time it was written (or, without one of its own, that of the line before it). */
    public record Line(Instant time, String host, String source, String text) {
        public Line {
            requireNonNull(time, "time is null");
            requireNonNull(host, "host is null");
            requireNonNull(source, "source is null");
            requireNonNull(text, "text is null");
        }
    }

    /**
     * What to show.
     *
     * @param since only lines written at or after it
     * @param grep only lines it finds something in
     * @param request only lines naming this request id (nginx's {@code rid=}, the app's {@code request_id=})
     * @param last the last N lines of what is left
     */
    public record Query(Optional<Instant> since, Optional<Pattern> grep, Optional<String> request, int last) {
        public Query {
            requireNonNull(since, "since is null");
            requireNonNull(grep, "grep is null");
            requireNonNull(request, "request is null");
            if (last < 0) {
                throw new IllegalArgumentException("last < 0");
            }
        }

        boolean matches(Line line) {
            return since.map(s -> !line.time().isBefore(s)).orElse(true)
                    && grep.map(g -> g.matcher(line.text()).find()).orElse(true)
                    && request.map(r -> line.text().contains(r)).orElse(true);
        }
    }

    private Logs() {}

    /**
     * A source's lines with their times: a line without a time of its own (a stack trace, HAProxy's notices) takes
     * that of the line before it; lines before the first time take the first time; a source without any time, the
     * epoch (shown first, and never after a {@code --since}).
     */
    public static List<Line> timed(String host, String source, List<String> lines, ZoneId zone) {
        List<Optional<Instant>> times = lines.stream().map(l -> LogTimes.parse(l, zone)).toList();
        Instant current = times.stream().flatMap(Optional::stream).findFirst().orElse(Instant.EPOCH);
        List<Line> timed = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            current = times.get(i).orElse(current);
            timed.add(new Line(current, host, source, lines.get(i)));
        }
        return timed;
    }

    /** The lines the query selects, from every source, ordered by time (a source's own order kept on a tie). */
    public static List<Line> select(List<List<Line>> sources, Query query) {
        List<Line> all = new ArrayList<>();
        sources.forEach(source -> source.stream().filter(query::matches).forEach(all::add));
        all.sort(Comparator.comparing(Line::time));
        return all.subList(Math.max(0, all.size() - query.last()), all.size());
    }

    /** {@code HOST SOURCE | text}, the columns as wide as the widest of the lines shown. */
    public static List<String> format(List<Line> lines) {
        int host = lines.stream().mapToInt(l -> l.host().length()).max().orElse(0);
        int source = lines.stream().mapToInt(l -> l.source().length()).max().orElse(0);
        return lines.stream()
                .map(l -> String.format("%-" + host + "s %-" + source + "s | %s", l.host(), l.source(), l.text()))
                .toList();
    }

    /**
     * Every source of each host, read at once (one SSH connection per host on servers), by host; only the sources
     * of {@code process} when given ({@link #sourceMatches}).
     */
    public static Map<Host, Map<String, List<String>>> read(Target target, List<Host> hosts, Optional<String> process,
                                                            Optional<Instant> since) {
        Map<Host, Map<String, List<String>>> read = new ConcurrentHashMap<>();
        hosts.parallelStream().forEach(host -> {
            Map<String, List<String>> sources = new TreeMap<>(target.logs(host, since));
            process.ifPresent(p -> sources.keySet().removeIf(source -> !sourceMatches(source, p)));
            read.put(host, sources);
        });
        return read;
    }

    /**
     * Whether a log source is a process's: its own ({@code app}, {@code patroni}), one of its files ({@code
     * nginx-access}), or its unit on a server ({@code scaleup-app}). keepalived writes into HAProxy's.
     */
    public static boolean sourceMatches(String source, String process) {
        String p = process.equals("keepalived") ? "haproxy" : process;
        return source.equals(p) || source.startsWith(p + "-") || source.endsWith("-" + p);
    }

    private static final Pattern AGO = Pattern.compile("(\\d+)([smhd])");

    /**
     * {@code --since}: an age ({@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}) before {@code now}, or a time
     * ({@code 2026-12-01T04:26:00}, in {@code zone}, or with {@code Z} or an offset).
     */
    public static Instant since(String text, Instant now, ZoneId zone) {
        Matcher m = AGO.matcher(text.strip());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration ago = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return now.minus(ago);
        }
        try {
            return Instant.parse(text.strip());
        } catch (DateTimeParseException e) {
            try {
                return java.time.OffsetDateTime.parse(text.strip()).toInstant();
            } catch (DateTimeParseException e2) {
                try {
                    return LocalDateTime.parse(text.strip()).atZone(zone).toInstant();
                } catch (DateTimeParseException e3) {
                    throw new IllegalArgumentException("--since '" + text + "': give an age (30s, 5m, 2h, 1d) or a"
                            + " time (2026-12-01T04:26:00, in this machine's zone, or with Z or an offset)");
                }
            }
        }
    }
}
