package dev.scaleup.cli;

import dev.scaleup.logs.Logs;
import dev.scaleup.ops.Deployment;
import dev.scaleup.topology.Host;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "logs", mixinStandardHelpOptions = true,
        description = {"Shows the logs of a host (every process's), of one process on it, or of every host (--all),"
                + " as one list ordered by the time each line was written: HOST SOURCE | line. netns: the hosts' log"
                + " files; servers: their units' journals over SSH. keepalived writes into haproxy's log.",
                "",
                "Examples:",
                "  scaleup logs web1                the last 100 lines of web1's logs",
                "  scaleup logs db1 patroni -n 20   Patroni's last 20 lines on db1",
                "  scaleup logs --all --since 5m    every host's lines of the last 5 minutes",
                "  scaleup logs --request ID        one request (X-Request-Id) through the tiers",
                "  scaleup logs app1 -f --grep ' 5[0-9][0-9] '",
                "                                   follow app1's log, lines with a 5xx"})
final class LogsCommand implements Callable<Integer> {

    static final int DEFAULT_LINES = 100;
    static final long FOLLOW_INTERVAL_MS = 1_000;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", arity = "0..1", paramLabel = "HOST", description = "A host of the deployment, such as web1.")
    String hostName;

    @Parameters(index = "1", arity = "0..1", paramLabel = "PROCESS",
            description = "Only this process's logs: haproxy, keepalived, nginx, app, patroni, etcd, pgbackrest.")
    String process;

    @Option(names = "--all", description = "Every host's logs (also what --request does).")
    boolean all;

    @Option(names = {"-n", "--lines"}, paramLabel = "N",
            description = "Show the last N lines (default " + DEFAULT_LINES + "; with --request or --since, all).")
    Integer lines;

    @Option(names = "--since", paramLabel = "AGE|TIME",
            description = "Only lines written since then: an age (30s, 5m, 2h, 1d) or a time (2026-12-01T04:26:00).")
    String since;

    @Option(names = "--grep", paramLabel = "REGEX", description = "Only lines this regular expression finds something in.")
    String grep;

    @Option(names = "--request", paramLabel = "ID", description = "Only lines naming this request id (X-Request-Id),"
            + " from every host: nginx's access log (rid=) and the app's (request_id=).")
    String request;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new lines as they are written (Ctrl-C ends it).")
    boolean follow;

    @Override
    public Integer call() throws InterruptedException {
        CommonOptions.requireRoot();
        if (all && hostName != null) {
            throw usage("give a host or --all, not both");
        }
        if (hostName == null && !all && request == null) {
            throw usage("give a host (such as web1), --all, or --request ID");
        }
        if (request != null && request.isBlank()) {
            throw usage("--request needs a request id");
        }
        ZoneId zone = ZoneId.systemDefault();
        Optional<Instant> from;
        try {
            from = Optional.ofNullable(since).map(s -> Logs.since(s, Instant.now(), zone));
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        Optional<Pattern> pattern;
        try {
            pattern = Optional.ofNullable(grep).map(Pattern::compile);
        } catch (PatternSyntaxException e) {
            throw usage("--grep '" + grep + "' is not a regular expression: " + e.getDescription());
        }
        Deployment deployment = common.deployment();
        List<Host> hosts = hosts(deployment);
        int last = lines != null ? lines : request != null || since != null ? Integer.MAX_VALUE : DEFAULT_LINES;
        if (last < 0) {
            throw usage("-n must be 0 or more, got " + last);
        }
        Logs.Query query = new Logs.Query(from, pattern, Optional.ofNullable(request), last);
        Map<Host, Map<String, List<String>>> read = Logs.read(deployment.target(), hosts, Optional.ofNullable(process), from);
        if (process != null && read.values().stream().allMatch(Map::isEmpty)) {
            Map<Host, Map<String, List<String>>> everything = Logs.read(deployment.target(), hosts, Optional.empty(), from);
            List<String> sources = everything.values().stream().flatMap(m -> m.keySet().stream()).distinct().sorted().toList();
            throw usage("no log of '" + process + "' on " + names(hosts) + (sources.isEmpty() ? " (no log written yet)"
                    : "; the logs there: " + String.join(", ", sources)));
        }
        Logs.format(Logs.select(timed(read, zone, Map.of()), query)).forEach(System.out::println);
        System.out.flush();
        if (!follow) {
            return 0;
        }
        Map<String, Integer> seen = counts(read);
        Logs.Query fresh = new Logs.Query(Optional.empty(), pattern, Optional.ofNullable(request), Integer.MAX_VALUE);
        while (true) {
            Thread.sleep(FOLLOW_INTERVAL_MS);
            read = Logs.read(deployment.target(), hosts, Optional.ofNullable(process), from);
            Logs.format(Logs.select(timed(read, zone, seen), fresh)).forEach(System.out::println);
            System.out.flush();
            seen = counts(read);
        }
    }

    /** Each source's lines after the first {@code skip} of it (those printed already; all again if it shrank). */
    static List<List<Logs.Line>> timed(Map<Host, Map<String, List<String>>> read, ZoneId zone, Map<String, Integer> skip) {
        List<List<Logs.Line>> sources = new ArrayList<>();
        read.forEach((host, logs) -> logs.forEach((source, lines) -> {
            List<Logs.Line> timed = Logs.timed(host.name(), source, lines, zone);
            int from = skip.getOrDefault(host.name() + "/" + source, 0);
            sources.add(from <= timed.size() ? timed.subList(from, timed.size()) : timed);
        }));
        return sources;
    }

    private static Map<String, Integer> counts(Map<Host, Map<String, List<String>>> read) {
        Map<String, Integer> counts = new HashMap<>();
        read.forEach((host, logs) -> logs.forEach((source, lines) -> counts.put(host.name() + "/" + source, lines.size())));
        return counts;
    }

    private List<Host> hosts(Deployment deployment) {
        List<Host> every = deployment.topology().hosts();
        if (hostName == null) {
            return every;
        }
        return every.stream().filter(h -> h.name().equals(hostName)).findFirst().map(List::of)
                .orElseThrow(() -> usage("no host '" + hostName + "' in deployment " + deployment.topology().name()
                        + "; its hosts: " + names(every)));
    }

    private static String names(List<Host> hosts) {
        return String.join(", ", hosts.stream().map(Host::name).toList());
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
