package dev.scaleup.drill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The drill and bench commands' usage errors, which need no stack (and no root). */
class DrillCliTest {

    record Run(int code, String out, String err) {
    }

    static synchronized Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        var o = new ByteArrayOutputStream();
        var e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = Main.execute(args);
            return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void helpNamesTheScenariosAndTheExitCodes() {
        Run help = run("drill", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("Usage: scaleup drill").contains("lb-kill").contains("db-primary-partition")
                .contains("--seconds").contains("--json").contains("--state-dir").contains("3 the stack is not healthy");
        assertThat(run("bench", "--help").out()).contains("Usage: scaleup bench").contains("--seconds")
                .contains("--clients").contains("baseline");
        assertThat(run("--help").out()).contains("drill").contains("bench");
    }

    @Test
    void anUnknownScenarioIsBadUsageAndTheKnownOnesAreListed() {
        Run run = run("drill", "lb-explode", "--state-dir", "/nonexistent");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("unknown scenario 'lb-explode'")
                .contains(String.join(", ", Scenario.labels()) + ", faults, ops, all");
    }

    @Test
    void runLengthsAndClientCountsAreBounded() {
        assertThat(run("drill", "lb-kill", "--seconds", "3").code()).isEqualTo(2);
        assertThat(run("drill", "lb-kill", "--seconds", "100000").code()).isEqualTo(2);
        assertThat(run("drill", "lb-kill", "--clients", "0").code()).isEqualTo(2);
        assertThat(run("bench", "--seconds", "0").code()).isEqualTo(2);
        assertThat(run("bench", "--clients", "1000").code()).isEqualTo(2);
    }
}
