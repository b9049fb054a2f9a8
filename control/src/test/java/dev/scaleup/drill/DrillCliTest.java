package dev.scaleup.drill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.it.Cli;
import org.junit.jupiter.api.Test;

/** The drill and bench commands' usage errors, which need no stack (and no root). */
class DrillCliTest {

    static Cli.Run run(String... args) {
        return Cli.run(args);
    }

    @Test
    void helpNamesTheScenariosAndTheExitCodes() {
        Cli.Run help = run("drill", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Usage: scaleup drill").contains("lb-kill").contains("db-primary-partition")
                .contains("--seconds").contains("--json").contains("--state-dir").contains("3 the stack is not healthy");
        String unwrapped = help.out().replaceAll("\\s+", " ");
        for (String line : Scenarios.help()) {
            assertThat(unwrapped).as("the help lists every registered scenario").contains(line);
        }
        assertThat(run("bench", "--help").out()).contains("Usage: scaleup bench").contains("--seconds")
                .contains("--connections").contains("--threads").contains("--idle").contains("wrk").contains("baseline");
        assertThat(run("--help").out()).contains("drill").contains("bench");
    }

    @Test
    void anUnknownScenarioIsBadUsageAndTheKnownOnesAreListed() {
        Cli.Run run = run("drill", "lb-explode", "--state-dir", "/nonexistent");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("unknown scenario 'lb-explode'")
                .contains(String.join(", ", Scenarios.names()) + ", faults, ops, backups, abuse, all");
    }

    @Test
    void runLengthsAndClientCountsAreBounded() {
        assertThat(run("drill", "lb-kill", "--seconds", "3").exitCode()).isEqualTo(2);
        assertThat(run("drill", "lb-kill", "--seconds", "100000").exitCode()).isEqualTo(2);
        assertThat(run("drill", "lb-kill", "--clients", "0").exitCode()).isEqualTo(2);
        assertThat(run("bench", "--seconds", "0").exitCode()).isEqualTo(2);
        assertThat(run("bench", "--clients", "1001").exitCode()).isEqualTo(2);
        assertThat(run("bench", "--threads", "8", "--connections", "4").exitCode()).as("more threads than connections")
                .isEqualTo(2);
    }
}
