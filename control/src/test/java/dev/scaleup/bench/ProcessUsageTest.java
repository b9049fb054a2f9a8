package dev.scaleup.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessUsageTest {

    // real lines from /proc/PID/stat (a postgres backend, and a comm with a space and parentheses)
    static final String POSTGRES = "13890 (postgres) S 13530 13530 13530 0 -1 4194624 1251 0 0 0 120 35 7 3 20 0 1 0 "
            + "51711 227999744 3372 18446744073709551615 1 1 0 0 0 0 0 4096 1073742343 0 0 0 17 1 0 0 0 0 0";
    static final String ODD = "77 (a (b) c) R 1 77 77 0 -1 4194560 10 0 0 0 5 6 0 0 20 0 1 0 100 1000 12 0 0";

    @Test
    void aStatLineGivesPidCommTicksAndResidentPages() {
        ProcessUsage.Proc p = ProcessUsage.parse(POSTGRES).orElseThrow();
        assertThat(p.pid()).isEqualTo(13890);
        assertThat(p.comm()).isEqualTo("postgres");
        assertThat(p.ticks()).as("utime + stime + cutime + cstime").isEqualTo(120 + 35 + 7 + 3);
        assertThat(p.rssPages()).isEqualTo(3372);
        ProcessUsage.Proc odd = ProcessUsage.parse(ODD).orElseThrow();
        assertThat(odd.comm()).isEqualTo("a (b) c");
        assertThat(odd.ticks()).isEqualTo(11);
        assertThat(odd.rssPages()).isEqualTo(12);
        assertThat(ProcessUsage.parse("garbage")).isEmpty();
        assertThat(ProcessUsage.parse("12 (x) S 1 2")).isEmpty();
    }

    @Test
    void cpuIsSummedByKindPerHostAndPidAndNewProcessesCountWhole() {
        var before = new ProcessUsage.Snapshot(0, Map.of(
                new ProcessUsage.Key("app1", 10), new ProcessUsage.Proc(10, "java", 1000, 50_000),
                new ProcessUsage.Key("db1", 10), new ProcessUsage.Proc(10, "postgres", 5, 3000),
                new ProcessUsage.Key("db1", 11), new ProcessUsage.Proc(11, "postgres", 7, 3000)));
        var after = new ProcessUsage.Snapshot(2_000_000_000L, Map.of(
                new ProcessUsage.Key("app1", 10), new ProcessUsage.Proc(10, "java", 1100, 51_000),
                new ProcessUsage.Key("db1", 10), new ProcessUsage.Proc(10, "postgres", 15, 3000),
                new ProcessUsage.Key("db1", 12), new ProcessUsage.Proc(12, "postgres", 2, 3000),
                new ProcessUsage.Key("lb1", 3), new ProcessUsage.Proc(3, "sshd", 1, 100)));
        Map<String, Double> cpu = ProcessUsage.cpuMicros(before, after);
        assertThat(cpu).containsEntry("java", 1_000_000.0).containsEntry("postgres", 120_000.0)
                .containsEntry("other", 10_000.0);
        assertThat(ProcessUsage.seconds(before, after)).isEqualTo(2.0);
        assertThat(ProcessUsage.rssMb(after)).containsEntry("java", 199.22).containsEntry("postgres", 23.44);
        assertThat(ProcessUsage.describe(cpu, "µs")).isEqualTo("java 1000000, postgres 120000, other 10000 µs");
    }

    @Test
    void kindsAreTheStacksServers() {
        assertThat(ProcessUsage.kind("haproxy")).isEqualTo("haproxy");
        assertThat(ProcessUsage.kind("patroni")).isEqualTo("patroni");
        assertThat(ProcessUsage.kind("bash")).isEqualTo("other");
    }
}
