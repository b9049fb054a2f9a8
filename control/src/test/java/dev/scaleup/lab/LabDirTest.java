package dev.scaleup.lab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.topology.Subnet;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabDirTest {

    @Test
    void thePlanReadBackEqualsThePlanWritten(@TempDir Path tmp) {
        LabDir dir = new LabDir(tmp.resolve("labx"));
        assertThat(dir.loadPlan()).isEmpty();
        LabPlan plan = LabPlan.of("labx", Subnet.parse("198.19.50.0/24"), 9);
        dir.savePlan(plan);
        // equality is what makes a second `hosts up` a no-op and a different one a refusal
        assertThat(dir.loadPlan()).hasValue(plan);
        assertThat(dir.loadPlan().orElseThrow()).isNotEqualTo(LabPlan.of("labx", Subnet.parse("198.19.50.0/24"), 10));
    }
}
