package dev.scaleup.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleup.topology.TopologyLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchTest {

    static Bench.Measured measured(double rps, double p50, double p99, double cpuMicros) {
        long requests = Math.round(rps * 8);
        return new Bench.Measured(new Wrk.Result(requests, 8, 0, 0, 0, 0, 0, p50, p99, p99 * 2),
                new Bench.Cpu(cpuMicros, Map.of("java", cpuMicros)));
    }

    @Test
    void theBaselineIsTheStaticFileThroughTheStackAndEveryEndpointIsMeasuredBothWays() {
        var targets = Bench.targets(TopologyLoader.defaults(Path.of("..")));
        assertThat(targets.get(0).name()).isEqualTo("static-stack");
        assertThat(targets.get(0).url()).as("through the stack over HTTPS").isEqualTo("https://198.18.0.100/index.html");
        assertThat(targets).extracting(Bench.Target::name).containsExactly("static-stack", "static-web", "healthz-app",
                "me-app", "me-stack", "me-app-paced", "posts-app", "posts-stack", "posts-app-paced", "transfer-app",
                "transfer-stack");
        assertThat(targets).filteredOn(t -> t.pacedTo() != null).extracting(Bench.Target::pacedTo)
                .as("each paced target comes after the one whose rate it takes").containsExactly("me-stack", "posts-stack");
        assertThat(targets.get(5).url()).isEqualTo("http://198.18.0.41:8080/api/accounts/me");
        assertThat(targets.get(2).url()).isEqualTo("http://198.18.0.41:8080/healthz");
        assertThat(targets.get(1).url()).isEqualTo("http://198.18.0.21:80/index.html");
    }

    @Test
    void ratiosAreToTheBaselineHopsAreStackAgainstDirectAndTheChainIsComparedWithItsParts() {
        var targets = Bench.targets(TopologyLoader.defaults(Path.of("..")));
        List<Bench.Measured> measured = new ArrayList<>(List.of(measured(4000, 2, 4, 100), measured(8000, 1, 2, 50),
                measured(9000, 0.5, 1, 40), measured(2000, 4, 8, 200), measured(1000, 7, 12, 600),
                measured(1000, 3, 6, 400), measured(2000, 4, 8, 200), measured(1000, 7, 12, 300),
                measured(1000, 3, 6, 200), measured(500, 10, 20, 900), measured(400, 12, 25, 1000)));
        Bench.Result result = Bench.assemble("scaleup", "now", Bench.Options.defaults(), 20,
                new Machine("cpu", 2, 1024, "Linux", "java", 0.5), Bench.Idle.of(5, Map.of("etcd", 2.0, "patroni", 1.2,
                        "prometheus", 0.8, "exporters", 0.3)),
                new Bench.Memory(1500, 120, Map.of("java", 900.0, "postgres", 600.0)), targets, measured);
        assertThat(result.loadGenerator()).isEqualTo("wrk");
        assertThat(result.targets().get(0).rpsRatio()).isEqualTo(1.0);
        assertThat(result.targets().get(1).rpsRatio()).isEqualTo(2.0);
        assertThat(result.targets().get(1).p50Ratio()).isEqualTo(0.5);
        assertThat(result.targets().get(10).rpsRatio()).isEqualTo(0.1);
        assertThat(result.hops()).hasSize(4);
        Bench.Hop staticHop = result.hops().get(0);
        assertThat(staticHop.hops()).isEqualTo("VIP (TLS) → haproxy");
        assertThat(staticHop.p50OverheadMs()).isEqualTo(1.0);
        assertThat(staticHop.throughputRatio()).isEqualTo(0.5);
        assertThat(staticHop.cpuPartsMicros()).as("the static file's part is nginx directly").isEqualTo(50);
        assertThat(staticHop.cpuChainOverParts()).isEqualTo(2.0);
        Bench.Hop me = result.hops().get(1);
        assertThat(me.what()).isEqualTo("GET /api/accounts/me");
        assertThat(me.hops()).isEqualTo("VIP (TLS) → haproxy → nginx");
        assertThat(me.p50OverheadMs()).isEqualTo(3.0);
        assertThat(me.p99OverheadMs()).isEqualTo(4.0);
        assertThat(me.cpuStackMicros()).isEqualTo(600);
        assertThat(me.cpuPartsMicros()).as("the app directly + a static file through the VIP").isEqualTo(300);
        assertThat(me.cpuChainOverParts()).isEqualTo(2.0);
        assertThat(me.direct()).as("the closed-loop target, not the paced one").isEqualTo("me-app");
        assertThat(me.paced()).isEqualTo("me-app-paced");
        assertThat(me.cpuPacedPartsMicros()).as("the app at the chain's rate + a static file through the VIP").isEqualTo(500);
        assertThat(me.cpuChainOverPacedParts()).isEqualTo(1.2);
        assertThat(result.hops().get(2).cpuChainOverParts()).as("posts: 300 / (200 + 100)").isEqualTo(1.0);
        assertThat(result.hops().get(2).cpuChainOverPacedParts()).as("posts: 300 / (200 + 100)").isEqualTo(1.0);
        assertThat(staticHop.paced()).isNull();
        assertThat(staticHop.cpuChainOverPacedParts()).isZero();
        assertThat(result.hops().get(3).paced()).as("transfers are not paced").isNull();
        String table = Bench.table(result);
        assertThat(table).contains("| static-stack | nginx static file | stack | 4000 | 2.00 | 4.00 | 0 | 1.00 | 100 | java 100 |")
                .contains("| GET /api/accounts/me | VIP (TLS) → haproxy → nginx | +3.00 | +4.00 | 0.50 | 600 | 300 | 2.00 | 500 | 1.20 |")
                .contains("| nginx static file | VIP (TLS) → haproxy | +1.00 | +2.00 | 0.50 | 100 | 50 | 2.00 | - | - |")
                .contains("idle over 5 s: 4.3 % of one core (patroni 1.2, etcd 2.0, prometheus 0.8, exporters 0.3 %), of"
                        + " which monitoring's own processes 1.1 %;")
                .contains("memory: 1500 MB RSS in 120 processes (java 900, postgres 600 MB)");
        assertThat(result.toJson()).contains("\"rps_ratio\"").contains("\"cpu_chain_over_parts\"")
                .contains("\"by_kind_micros\"").contains("\"cpu_chain_over_paced_parts\" : 1.2").contains("\"total_percent_of_core\"")
                .contains("\"monitoring_percent_of_core\" : 1.1");
    }

    @Test
    void aPacedTargetTakesTheRateItsTargetReached() {
        var targets = Bench.targets(TopologyLoader.defaults(Path.of("..")));
        List<Bench.Measured> measured = List.of(measured(4000, 2, 4, 100), measured(8000, 1, 2, 50),
                measured(9000, 0.5, 1, 40), measured(2000, 4, 8, 200), measured(1234.5, 7, 12, 600));
        assertThat(Bench.rateOf("me-stack", targets, measured)).isEqualTo(1234.5);
        assertThat(Bench.rateOf("static-stack", targets, List.of(measured(0, 1, 1, 1)))).as("at least 1").isEqualTo(1);
        assertThatThrownBy(() -> Bench.rateOf("posts-stack", targets, measured)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void cpuPerRequestIsWhatEachKindSpentDividedByTheAnsweredRequests() {
        Bench.Cpu cpu = Bench.Cpu.perRequest(Map.of("java", 2_000_000.0, "etcd", 50_000.0), 10_000);
        assertThat(cpu.byKindMicros()).containsEntry("java", 200.0).containsEntry("etcd", 5.0);
        assertThat(cpu.totalMicros()).isEqualTo(205.0);
        assertThat(Bench.Cpu.perRequest(Map.of("java", 1.0), 0).totalMicros()).isZero();
    }
}
