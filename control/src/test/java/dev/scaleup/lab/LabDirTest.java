package dev.scaleup.lab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.topology.Ipv4;
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

    @Test
    void aHostIsFoundInTheLabThatHasItsNameAndAddress(@TempDir Path tmp) {
        assertThat(Lab.holding(tmp.resolve("none"), "db1", Ipv4.parse("198.19.50.21"))).isEmpty();
        LabPlan a = LabPlan.of("laba", Subnet.parse("198.19.50.0/24"), 6);
        LabPlan b = LabPlan.of("labb", Subnet.parse("198.19.51.0/24"), 6);
        new LabDir(tmp.resolve("laba")).savePlan(a);
        new LabDir(tmp.resolve("labb")).savePlan(b);
        LabHost db1 = b.host("db1");
        assertThat(Lab.holding(tmp, "db1", db1.address()).map(l -> l.plan().name())).hasValue("labb");
        assertThat(Lab.holding(tmp, "db1", a.host("db1").address()).map(l -> l.plan().name())).hasValue("laba");
        // the same name at an address no lab has: a server of its own, not a throwaway host
        assertThat(Lab.holding(tmp, "db1", Ipv4.parse("198.19.52.21"))).isEmpty();
        assertThat(Lab.holding(tmp, "db9", db1.address())).isEmpty();
    }
}
