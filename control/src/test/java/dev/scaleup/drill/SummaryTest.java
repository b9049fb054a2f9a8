package dev.scaleup.drill;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTest {

    @Test
    void oneLinePerScenarioWithTheFailedChecksNamed() {
        Recovery rec = new Recovery(3_600.0, 3_612.5, 3_500.0, 3_700.0, 9_000.0, true, 1L, null, null, List.of());
        DrillResult failed = new DrillResult("lb-kill", "2025-01-01T00:00:00Z", false, "lb1", "f", "up", "l", "done",
                "done", 5.0, "2025-01-01T00:00:05Z", 12.0, rec, LimitsTest.CLEAN, LimitsTest.load(3, 0, 0, 0),
                List.of(new Check("longest outage", "3613 ms", "< 3000 ms", false), new Check("x", "0", "<= 0", true)),
                null, new FailoverTimeline(List.of(new FailoverTimeline.Step("decided: MASTER", "lb2", 181.5, "line"))));
        String table = Summary.table(List.of(failed), List.of("web-kill"));
        assertThat(table.lines().toList()).hasSize(3);
        assertThat(table).contains("SCENARIO").contains("lb-kill").contains("FAIL").contains("3.61 s")
                .contains("longest outage 3613 ms").doesNotContain("x 0");
        assertThat(table.lines().toList().get(2)).startsWith("web-kill").contains("SKIPPED");
        DrillResult broken = new DrillResult("db-replica-kill", "t", false, "db2", "f", "up", "l", "done", null, 5.0,
                null, null, rec, LimitsTest.CLEAN, LimitsTest.load(0, 0, 0, 0),
                List.of(new Check("drill completed", "no: db2 did not become healthy\n--- last lines ---\nlog", "yes", false)),
                "db2 did not become healthy\n--- last lines ---\nlog", new FailoverTimeline(List.of()));
        assertThat(Summary.table(List.of(broken), List.of()).lines().toList()).hasSize(2)
                .last().asString().endsWith("drill completed no: db2 did not become healthy");
        assertThat(Summary.ms(null)).isEqualTo("never");
        assertThat(Summary.ms(12.25)).isEqualTo("12.3 ms");
        assertThat(failed.toJson()).contains("\"longest_gap_ms\" : 3612.5").contains("\"fault_to_first_write_ms\"")
                .contains("\"what\" : \"decided: MASTER\"");
    }
}
