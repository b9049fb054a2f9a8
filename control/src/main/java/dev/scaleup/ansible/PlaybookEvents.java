package dev.scaleup.ansible;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Locale;

/**
 * Reads the output of {@code ansible-playbook} run with {@code ANSIBLE_STDOUT_CALLBACK=ansible.posix.jsonl} (in
 * Debian's ansible 7.7): one JSON object per line, {@code _event} naming it. A play's start becomes a {@link Play}, a
 * task's result on a host a {@link HostResult} (one progress line each), the recap a {@link Recap} (how many tasks changed something: zero on a
 * second run). Results of {@code no_log} tasks arrive censored by Ansible, so no secret reaches a line.
 */
public final class PlaybookEvents {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a task did on a host. */
    public enum Status { OK, CHANGED, FAILED, SKIPPED, UNREACHABLE }

    public sealed interface Event permits Play, HostResult, Recap {}

    /** A play starts (site.yml has one per step of up: the base of every host, etcd, the primary, …). */
    public record Play(String name) implements Event {
        public Play {
            requireNonNull(name, "name is null");
        }

        public String line() {
            return "ansible: " + name;
        }
    }

    /**
     * One task's result on one host.
     *
     * @param message Ansible's {@code msg} for a failure or an unreachable host, else empty
     */
    public record HostResult(String task, String host, Status status, String message) implements Event {
        public HostResult {
            requireNonNull(task, "task is null");
            requireNonNull(host, "host is null");
            requireNonNull(status, "status is null");
            requireNonNull(message, "message is null");
        }

        /** The progress line: {@code db1: patroni.yml (passwords inside): changed}. */
        public String line() {
            return host + ": " + task + ": " + status.name().toLowerCase(Locale.ROOT)
                    + (message.isEmpty() ? "" : " (" + message + ")");
        }
    }

    /** Per host, the counts of the play recap. */
    public record Recap(Map<String, Counts> hosts) implements Event {
        public Recap {
            hosts = Map.copyOf(hosts);
        }

        /** Tasks that changed something, over all hosts: 0 when the run found everything in place. */
        public int changed() {
            return hosts.values().stream().mapToInt(Counts::changed).sum();
        }

        public boolean failed() {
            return hosts.values().stream().anyMatch(c -> c.failures() > 0 || c.unreachable() > 0);
        }
    }

    public record Counts(int ok, int changed, int failures, int unreachable, int skipped) {}

    private PlaybookEvents() {}

    /** The event on one line of output; empty for events that make no line and for lines that are not events. */
    public static Optional<Event> parse(String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            return Optional.empty(); // a warning Ansible printed itself, not an event
        }
        if (node == null || !node.isObject()) {
            return Optional.empty();
        }
        String event = node.path("_event").asText();
        return switch (event) {
            case "v2_runner_on_ok", "v2_runner_on_failed", "v2_runner_on_skipped", "v2_runner_on_unreachable" ->
                    hostResult(event, node);
            case "v2_playbook_on_play_start" -> Optional.of(new Play(node.path("play").path("name").asText()));
            case "v2_playbook_on_stats" -> Optional.of(recap(node.path("stats")));
            default -> Optional.empty();
        };
    }

    private static Optional<Event> hostResult(String event, JsonNode node) {
        String task = node.path("task").path("name").asText();
        var hosts = node.path("hosts").fields();
        if (!hosts.hasNext()) {
            return Optional.empty();
        }
        var entry = hosts.next();
        JsonNode result = entry.getValue();
        Status status = switch (event) {
            case "v2_runner_on_failed" -> Status.FAILED;
            case "v2_runner_on_skipped" -> Status.SKIPPED;
            case "v2_runner_on_unreachable" -> Status.UNREACHABLE;
            default -> result.path("changed").asBoolean() ? Status.CHANGED : Status.OK;
        };
        String message = status == Status.FAILED || status == Status.UNREACHABLE ? result.path("msg").asText() : "";
        return Optional.of(new HostResult(task, entry.getKey(), status, message));
    }

    private static Recap recap(JsonNode stats) {
        Map<String, Counts> hosts = new LinkedHashMap<>();
        stats.fields().forEachRemaining(e -> {
            JsonNode c = e.getValue();
            hosts.put(e.getKey(), new Counts(c.path("ok").asInt(), c.path("changed").asInt(), c.path("failures").asInt(),
                    c.path("unreachable").asInt(), c.path("skipped").asInt()));
        });
        return new Recap(hosts);
    }
}
