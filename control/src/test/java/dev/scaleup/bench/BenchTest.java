package dev.scaleup.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.loadgen.Report;
import dev.scaleup.topology.TopologyLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchTest {

    static Report report(double rps, double p50, double p99) {
        return new Report("u", "m", 8, 20, 5, 100, 100, 100, 0, 0, Map.of(), 0, 0, 0, rps,
                new Report.Latency(100, p50, p50, p99, p99, p50), 1, 0, new Report.Transfers(0, 0, 0, 0), Map.of());
    }

    @Test
    void theBaselineIsTheStaticFileThroughTheStackAndEveryEndpointIsMeasuredBothWays() {
        var targets = Bench.targets(TopologyLoader.defaults(Path.of("..")));
        assertThat(targets.get(0).name()).isEqualTo("static-stack");
        assertThat(targets.get(0).url()).as("through the stack over HTTPS").isEqualTo("https://198.18.0.100/index.html");
        assertThat(targets).extracting(Bench.Target::name).containsExactly("static-stack", "static-web", "healthz-app",
                "me-app", "me-stack", "posts-app", "posts-stack", "transfer-app", "transfer-stack");
        assertThat(targets.get(2).url()).isEqualTo("http://198.18.0.41:8080/healthz");
        assertThat(targets.get(1).url()).isEqualTo("http://198.18.0.21:80/index.html");
    }

    @Test
    void ratiosAreToTheBaselineAndHopsAreStackMinusDirect() {
        var targets = Bench.targets(TopologyLoader.defaults(Path.of("..")));
        List<Report> reports = new ArrayList<>(List.of(report(4000, 2, 4), report(8000, 1, 2), report(9000, 0.5, 1),
                report(2000, 4, 8), report(1000, 7, 12), report(2000, 4, 8), report(1000, 7, 12), report(500, 10, 20),
                report(400, 12, 25)));
        Bench.Result result = Bench.assemble("scaleup", "now", Bench.Options.defaults(), 20,
                new Machine("cpu", 2, 1024, "Linux", "java", 0.5), targets, reports);
        assertThat(result.targets().get(0).rpsRatio()).isEqualTo(1.0);
        assertThat(result.targets().get(1).rpsRatio()).isEqualTo(2.0);
        assertThat(result.targets().get(1).p50Ratio()).isEqualTo(0.5);
        assertThat(result.targets().get(8).rpsRatio()).isEqualTo(0.1);
        assertThat(result.hops()).hasSize(4);
        Bench.Hop staticHop = result.hops().get(0);
        assertThat(staticHop.hops()).isEqualTo("VIP (TLS) → haproxy");
        assertThat(staticHop.p50OverheadMs()).isEqualTo(1.0);
        assertThat(staticHop.throughputRatio()).isEqualTo(0.5);
        Bench.Hop me = result.hops().get(1);
        assertThat(me.what()).isEqualTo("GET /api/accounts/me");
        assertThat(me.hops()).isEqualTo("VIP (TLS) → haproxy → nginx");
        assertThat(me.p50OverheadMs()).isEqualTo(3.0);
        assertThat(me.p99OverheadMs()).isEqualTo(4.0);
        String table = Bench.table(result);
        assertThat(table).contains("| static-stack | nginx static file | stack | 4000 | 2.00 | 4.00 | 0 | 1.00 | 1.00 | 1.00 |")
                .contains("| GET /api/accounts/me | VIP (TLS) → haproxy → nginx | +3.00 | +4.00 | 0.50 |");
        assertThat(result.toJson()).contains("\"rps_ratio\"").contains("\"p50_overhead_ms\"");
    }
}
