package dev.scaleup.ansible;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.ansible.PlaybookEvents.Counts;
import dev.scaleup.ansible.PlaybookEvents.Event;
import dev.scaleup.ansible.PlaybookEvents.HostResult;
import dev.scaleup.ansible.PlaybookEvents.Play;
import dev.scaleup.ansible.PlaybookEvents.Recap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The events of a real run: {@code ansible-playbook -c local} of a three-task play (a file, a secret with no_log,
 * a failing command with ignore_errors) under {@code ANSIBLE_STDOUT_CALLBACK=ansible.posix.jsonl}, as Debian's
 * ansible 7.7 printed it (src/test/resources/ansible-jsonl-sample.jsonl).
 */
class PlaybookEventsTest {

    private static List<Event> sample() throws IOException {
        Path file = Path.of("src/test/resources/ansible-jsonl-sample.jsonl");
        if (!Files.exists(file)) {
            file = Path.of("control").resolve(file);
        }
        return Files.readAllLines(file).stream().map(PlaybookEvents::parse).flatMap(Optional::stream).toList();
    }

    @Test
    void eachTaskResultIsALineAndTheRecapCountsTheChanges() throws IOException {
        List<Event> events = sample();
        assertThat(events).hasSize(5);
        assertThat(((Play) events.get(0)).line()).isEqualTo("ansible: all");
        assertThat(events.subList(1, 4)).extracting(e -> ((HostResult) e).line()).containsExactly(
                "db1: a file: changed",
                "db1: a secret: changed",
                "db1: fails: failed (non-zero return code)");
        Recap recap = (Recap) events.get(4);
        assertThat(recap.hosts()).isEqualTo(Map.of("db1", new Counts(3, 2, 0, 0, 0)));
        assertThat(recap.changed()).isEqualTo(2);
        assertThat(recap.failed()).isFalse();
    }

    @Test
    void aCensoredResultCarriesNoSecret() throws IOException {
        HostResult secret = (HostResult) sample().get(2);
        assertThat(secret.task()).isEqualTo("a secret");
        assertThat(secret.line()).doesNotContain("secret\\n");
    }

    @Test
    void linesThatAreNotEventsAreSkipped() {
        assertThat(PlaybookEvents.parse("[WARNING]: provided hosts list is empty")).isEmpty();
        assertThat(PlaybookEvents.parse("{\"_event\":\"v2_playbook_on_task_start\",\"task\":{\"name\":\"x\"}}")).isEmpty();
        assertThat(PlaybookEvents.parse("{\"_event\":\"v2_runner_on_unreachable\",\"task\":{\"name\":\"Installed packages\"},"
                + "\"hosts\":{\"web2\":{\"msg\":\"Failed to connect to the host via ssh\",\"unreachable\":true}}}"))
                .contains(new HostResult("Installed packages", "web2", PlaybookEvents.Status.UNREACHABLE,
                        "Failed to connect to the host via ssh"));
    }

    @Test
    void aRecapWithAnUnreachableHostFailed() {
        Event recap = PlaybookEvents.parse("{\"_event\":\"v2_playbook_on_stats\",\"stats\":{\"lb1\":{\"changed\":0,"
                + "\"failures\":0,\"ok\":12,\"skipped\":1,\"unreachable\":1}}}").orElseThrow();
        assertThat(((Recap) recap).failed()).isTrue();
        assertThat(((Recap) recap).changed()).isZero();
    }
}
