package dev.scaleup.drill;

import static dev.scaleup.drill.ScenariosTest.scenario;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.loadgen.LoadResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class MarksTest {

    /** Successes (start, end, write) over a 20 s run. */
    static LoadResult result(long[] starts, long[] ends, boolean[] writes) {
        return new LoadResult(LimitsTest.load(0, 0, 0, 0), List.of(), starts, ends, writes, 20_000_000);
    }

    static final LoadResult RESULT = result(
            new long[] {1_000_000, 4_000_000, 5_500_000, 6_000_000, 9_000_000},
            new long[] {1_100_000, 4_100_000, 5_600_000, 6_100_000, 9_100_000},
            new boolean[] {true, true, false, true, false});

    static Marks marks(Long fault, Long faultDone, Long healthy) {
        Marks marks = new Marks();
        marks.fault = fault;
        marks.faultDone = faultDone;
        marks.healthy = healthy;
        marks.unhealthyAtEnd = List.of("web1 (nginx down)");
        return marks;
    }

    @Test
    void timesCountFromTheFaultAndFirstSuccessesFromItsEnd() {
        Recovery r = marks(5_000_000L, 5_400_000L, 12_000_000L).recovery(scenario("web-kill"), RESULT, null);
        assertThat(r.faultToFirstSuccessMs()).isEqualTo(600.0);
        assertThat(r.faultToFirstWriteMs()).isEqualTo(1_100.0);
        assertThat(r.faultToHealthyMs()).isEqualTo(7_000.0);
        assertThat(r.outageMs()).isEqualTo(10_900.0);
        assertThat(r.longestWriteGapMs()).isEqualTo(13_900.0);
        assertThat(r.healthyAgain()).isTrue();
        assertThat(r.unhealthyAtEnd()).isEmpty();
        assertThat(r.operationMs()).as("a fault is no operation").isNull();
        assertThat(r.servedDuringOperation()).isNull();
        assertThat(r.oldPrimaryRejoined()).as("only the primary scenarios await it").isNull();
        assertThat(r.rolledBack()).isNull();
    }

    @Test
    void anOperationSaysHowLongItTookAndWhatWasServedMeanwhile() {
        Recovery r = marks(4_000_000L, 9_000_000L, null).recovery(scenario("deploy-bad-artifact"), RESULT, false);
        assertThat(r.operationMs()).isEqualTo(5_000.0);
        assertThat(r.servedDuringOperation()).isEqualTo(3);
        assertThat(r.healthyAgain()).isFalse();
        assertThat(r.faultToHealthyMs()).isNull();
        assertThat(r.unhealthyAtEnd()).containsExactly("web1 (nginx down)");
        assertThat(r.rolledBack()).isFalse();
    }

    @Test
    void thePrimaryScenariosSayWhetherTheOldPrimaryRejoined() {
        Marks marks = marks(5_000_000L, 5_100_000L, 15_000_000L);
        assertThat(marks.recovery(scenario("db-primary-kill"), RESULT, null).oldPrimaryRejoined()).isFalse();
        marks.rejoined = 16_000_000L;
        Recovery r = marks.recovery(scenario("db-primary-kill"), RESULT, null);
        assertThat(r.oldPrimaryRejoined()).isTrue();
        assertThat(r.faultToRejoinMs()).isEqualTo(11_000.0);
    }

    @Test
    void withoutAFaultOnlyTheWholeRunIsMeasured() {
        Recovery r = marks(null, null, null).recovery(scenario("lb-kill"), RESULT, null);
        assertThat(r.outageMs()).isNull();
        assertThat(r.faultToFirstSuccessMs()).isNull();
        assertThat(r.longestWriteGapMs()).isNull();
        assertThat(r.longestGapMs()).isEqualTo(LimitsTest.load(0, 0, 0, 0).longestGapMs());
    }

    @Test
    void writeEndsKeepOnlyTheWrites() {
        assertThat(Marks.writeEnds(RESULT)).containsExactly(1_100_000, 4_100_000, 6_100_000);
    }
}
