package dev.scaleup.drill;

import dev.scaleup.logs.Logs;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A failover step by step, in milliseconds from the fault: when the survivors noticed, when one of them decided to
 * take over, when the VIP or the primary had moved, and when the clients' first request (or write) succeeded. The
 * steps come from the components' own log lines (keepalived, Patroni, PostgreSQL), the last from the drill's load.
 * Lines timed to whole seconds only (keepalived's console log) are left out: a step that is not there was not seen
 * precisely enough. Pure.
 *
 * @param steps in the order they happened
 */
public record FailoverTimeline(List<Step> steps) {

    /**
     * One step.
     *
     * @param what what happened
     * @param host where (empty for the clients)
     * @param ms milliseconds after the fault
     * @param evidence the log line, or what the load saw
     */
    public record Step(String what, String host, double ms, String evidence) {
    }

    /**
     * How one step shows in the logs: the first matching line of a host other than the fault's target. Each pattern
     * is a line only its component writes (keepalived, Patroni, PostgreSQL), so it needs no host filter of its own.
     */
    private record Rule(String what, Pattern pattern) {
    }

    /** keepalived's console lines start with ctime(3): whole seconds, no use for a fifth of a second. */
    private static final Pattern WHOLE_SECONDS = Pattern.compile("^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}: ");

    private static final List<Rule> VIP = List.of(
            new Rule("detected: the holder's adverts stopped",
                    Pattern.compile("Receive advertisement timeout|received priority 0 advertisement")),
            new Rule("decided: MASTER", Pattern.compile("Entering MASTER STATE|\\) MASTER STATE, priority")),
            new Rule("moved: VIP set", Pattern.compile("setting VIPs")));

    private static final List<Rule> PRIMARY = List.of(
            new Rule("detected: a replica lost the primary's WAL stream",
                    Pattern.compile("could not receive data from WAL stream|could not connect to the primary server")),
            // the watch beside each Patroni (render.LeaderWatch) saw the key go and wakes its Patroni
            new Rule("detected: the leader key is gone (etcd watch), Patroni woken",
                    Pattern.compile("leader-watch: the leader key (expired|was deleted|is gone)")),
            new Rule("detected: the leader key expired, Patroni asks the other members",
                    Pattern.compile("Request failed to |Got response from ")),
            new Rule("decided: promoted by acquiring the leader lock",
                    Pattern.compile("promoted self to leader by acquiring session lock")),
            new Rule("moved: PostgreSQL promoted (new timeline)", Pattern.compile("selected new timeline ID")),
            new Rule("ready: the primary accepts connections",
                    Pattern.compile("database system is ready to accept connections")));

    public FailoverTimeline {
        steps = List.copyOf(steps);
    }

    /** The hosts whose logs a scenario's timeline reads: the load balancers, the database hosts, or none. */
    static List<Role> roles(DrillScenario scenario) {
        List<Role> roles = new ArrayList<>();
        if (scenario.mayMoveVip()) {
            roles.add(Role.LB);
        }
        if (scenario.mayMovePrimary()) {
            roles.add(Role.DB);
        }
        return roles;
    }

    /**
     * @param fault when the fault was injected
     * @param target the host the fault hit (its own lines are no survivor's)
     * @param lines the logs of the hosts of {@link #roles}, from before the fault on
     * @param firstSuccessMs the first success of a request sent after the fault (null: none)
     * @param firstWriteMs the first acknowledged write sent after the fault (null: none)
     */
    static FailoverTimeline of(DrillScenario scenario, Instant fault, String target, List<Logs.Line> lines,
                               Double firstSuccessMs, Double firstWriteMs) {
        List<Step> steps = new ArrayList<>();
        List<Logs.Line> after = lines.stream().filter(l -> !l.time().isBefore(fault))
                .filter(l -> !l.host().equals(target)).filter(l -> !WHOLE_SECONDS.matcher(l.text()).find())
                .sorted(Comparator.comparing(Logs.Line::time)).toList();
        List<Rule> rules = roles(scenario).stream().flatMap(role -> (role == Role.LB ? VIP : PRIMARY).stream()).toList();
        for (Rule rule : rules) {
            first(after, rule).ifPresent(l -> steps.add(new Step(rule.what(), l.host(), ms(fault, l.time()),
                    l.text().strip())));
        }
        if (scenario.mayMovePrimary() && firstWriteMs != null) {
            steps.add(new Step("first success: an acknowledged write", "", firstWriteMs, "the drill's clients"));
        } else if (firstSuccessMs != null && !rules.isEmpty()) {
            steps.add(new Step("first success: a request answered", "", firstSuccessMs, "the drill's clients"));
        }
        steps.sort(Comparator.comparingDouble(Step::ms));
        return new FailoverTimeline(steps);
    }

    private static Optional<Logs.Line> first(List<Logs.Line> lines, Rule rule) {
        return lines.stream().filter(l -> rule.pattern().matcher(l.text()).find()).findFirst();
    }

    private static double ms(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e6;
    }

    /** One line: {@code fault → 182 ms detected: … (lb2) → … → 231 ms first success: …}; empty without steps. */
    public String text() {
        if (steps.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("failover: fault");
        for (Step s : steps) {
            out.append(String.format(Locale.ROOT, " → %.0f ms %s%s", s.ms(), s.what(),
                    s.host().isEmpty() ? "" : " (" + s.host() + ")"));
        }
        return out.toString();
    }
}
