package dev.scaleup.drill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.loadgen.Report;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LimitsTest {

    static final DataCheck.Balances B = new DataCheck.Balances(20, 2_000_000, 0);
    static final DataCheck.Result CLEAN = DataCheck.compare(List.of(), List.of(), B, B);

    static Report load(long failed, long http5xx, long failedIdempotent, long http5xxIdempotent) {
        return new Report("http://vip", "mix", 8, 20, 20, 1000, 1010, 1000 - failed, failed, 10, Map.of(), http5xx,
                failedIdempotent, http5xxIdempotent, 50, new Report.Latency(1000, 1, 2, 3, 4, 1), 100, 5,
                new Report.Transfers(400, 0, 0, 0), Map.of());
    }

    static Recovery recovery(double longestGap, Double firstWrite, boolean healthy, Long vipHolders, Boolean rejoined) {
        return new Recovery(longestGap, longestGap, 100.0, firstWrite, healthy ? 9000.0 : null, healthy, vipHolders,
                rejoined, null, List.of());
    }

    static Report load(long failed, long http5xx, long retries) {
        return new Report("http://vip", "mix", 8, 20, 20, 1000, 1000 + retries, 1000 - failed, failed, retries, Map.of(),
                http5xx, 0, 0, 50, new Report.Latency(1000, 1, 2, 3, 4, 1), 100, 5,
                new Report.Transfers(400, 0, 0, 0), Map.of());
    }

    static Recovery operation(Double writeGap, Boolean rolledBack, boolean healthy) {
        return new Recovery(300.0, 300.0, 10.0, 20.0, healthy ? 9000.0 : null, healthy, 1L, null, null, List.of(),
                12_000.0, 900L, writeGap, rolledBack, null);
    }

    static DrillScenario scenario(String name) {
        return Scenarios.byName(name).orElseThrow();
    }

    static List<String> failed(List<Check> checks) {
        return checks.stream().filter(c -> !c.ok()).map(Check::name).toList();
    }

    @Test
    void loadBalancerScenariosLimitTheOutage() {
        assertThat(failed(Limits.checks(scenario("lb-kill"), recovery(790, 100.0, true, 1L, null), load(3, 0, 0, 0), CLEAN)))
                .isEmpty();
        assertThat(failed(Limits.checks(scenario("lb-kill"), recovery(810, 100.0, true, 1L, null), load(3, 0, 0, 0), CLEAN)))
                .containsExactly("longest outage");
        assertThat(failed(Limits.checks(scenario("haproxy-crash"), recovery(810, 100.0, true, 1L, null), load(0, 0, 0, 0), CLEAN)))
                .containsExactly("longest outage");
        assertThat(scenario("lb-partition").limit()).isEqualTo("longest outage < 0.8 s; exactly one VIP holder after the link returns");
        assertThat(failed(Limits.checks(scenario("lb-partition"), recovery(790, 100.0, true, 2L, null), load(0, 0, 0, 0), CLEAN)))
                .containsExactly("VIP holders after the fault");
    }

    @Test
    void aVrrpBlockLimitsTheSplitBrainAndAllowsNoFailedRequest() {
        DrillScenario block = scenario("lb-vrrp-block");
        assertThat(failed(Limits.checks(block, split(2_900.0, 1L), load(0, 0, 0, 0), CLEAN))).isEmpty();
        assertThat(failed(Limits.checks(block, split(3_100.0, 1L), load(1, 0, 0, 0), CLEAN)))
                .containsExactly("longest split brain", "failed requests");
        assertThat(failed(Limits.checks(block, split(null, 2L), load(0, 0, 0, 0), CLEAN)))
                .as("not measured is not passed").containsExactly("longest split brain", "VIP holders after the fault");
    }

    static Recovery split(Double longestSplitMs, Long vipHolders) {
        return new Recovery(500.0, 500.0, 10.0, 20.0, 9000.0, true, vipHolders, null, null, List.of(), null, null,
                null, null, longestSplitMs);
    }

    @Test
    void webKillAllowsNoFailedRequestAndNo5xx() {
        assertThat(failed(Limits.checks(scenario("web-kill"), recovery(50, 1.0, true, 1L, null), load(0, 2, 0, 0), CLEAN)))
                .containsExactly("5xx answers seen by clients");
        assertThat(failed(Limits.checks(scenario("web-kill"), recovery(50, 1.0, true, 1L, null), load(1, 0, 0, 0), CLEAN)))
                .containsExactly("failed requests");
    }

    @Test
    void appKillLooksAtIdempotentRequestsOnly() {
        assertThat(failed(Limits.checks(scenario("app-kill"), recovery(50, 1.0, true, 1L, null), load(2, 2, 0, 0), CLEAN)))
                .isEmpty();
        assertThat(failed(Limits.checks(scenario("app-kill"), recovery(50, 1.0, true, 1L, null), load(2, 2, 1, 1), CLEAN)))
                .containsExactly("failed idempotent requests", "5xx answers to idempotent requests");
    }

    @Test
    void dbReplicaKillAllowsRetriedFailuresButNoFailedRequest() {
        assertThat(failed(Limits.checks(scenario("db-replica-kill"), recovery(800, 10.0, true, 1L, null), load(0, 3, 0, 0), CLEAN)))
                .isEmpty();
        assertThat(failed(Limits.checks(scenario("db-replica-kill"), recovery(800, 10.0, true, 1L, null), load(1, 0, 0, 0), CLEAN)))
                .containsExactly("failed requests");
    }

    @Test
    void primaryScenariosNeedWritesBackInTimeAndTheOldPrimaryBack() {
        assertThat(failed(Limits.checks(scenario("db-primary-kill"), recovery(7_000, 7_900.0, true, 1L, true), load(9, 9, 1, 1), CLEAN)))
                .isEmpty();
        assertThat(failed(Limits.checks(scenario("db-primary-kill"), recovery(8_000, 8_100.0, true, 1L, true), load(9, 9, 1, 1), CLEAN)))
                .containsExactly("writes resume after the fault");
        assertThat(scenario("db-primary-kill").limit()).isEqualTo("writes resume < 8 s");
        assertThat(failed(Limits.checks(scenario("db-primary-partition"), recovery(11_000, 11_900.0, true, 1L, true), load(0, 0, 0, 0), CLEAN)))
                .isEmpty();
        assertThat(failed(Limits.checks(scenario("db-primary-partition"), recovery(12_000, 12_100.0, true, 1L, true), load(0, 0, 0, 0), CLEAN)))
                .containsExactly("writes resume after the fault");
        assertThat(failed(Limits.checks(scenario("db-postgres-crash"), recovery(3_000, 3_900.0, true, 1L, null), load(0, 0, 0, 0), CLEAN)))
                .isEmpty();
        assertThat(failed(Limits.checks(scenario("db-postgres-crash"), recovery(3_000, 4_100.0, true, 1L, null), load(0, 0, 0, 0), CLEAN)))
                .containsExactly("writes resume after the fault");
        assertThat(failed(Limits.checks(scenario("db-primary-kill"), recovery(40_000, null, true, 1L, true), load(9, 9, 1, 1), CLEAN)))
                .containsExactly("writes resume after the fault");
        assertThat(failed(Limits.checks(scenario("db-primary-partition"), recovery(9_000, 9_500.0, false, null, false), load(0, 0, 0, 0), CLEAN)))
                .containsExactly("stack healthy again", "old primary rejoined as a replica");
    }

    @Test
    void everyScenarioChecksTheData() {
        DataCheck.Result lost = new DataCheck.Result(10, 1, 0, 0, 0, 0, 0, 0, 0, B, B, 0, List.of());
        for (DrillScenario s : Scenarios.all()) {
            List<Check> checks = Limits.checks(s, recovery(10, 10.0, true, 1L, true), load(0, 0, 0, 0), lost);
            assertThat(failed(checks)).as(s.name()).contains("acknowledged writes lost");
            assertThat(failed(Limits.checks(s, recovery(10, 10.0, true, 1L, true), load(0, 0, 0, 0), null)))
                    .as(s.name()).contains("data checked");
        }
    }

    @Test
    void operationsAllowNoFailedRequestNo5xxAndNoRetry() {
        for (DrillScenario s : List.of(scenario("scale-out"), scenario("scale-in"), scenario("deploy"),
                scenario("restart-lb"), scenario("restart-web"))) {
            assertThat(failed(Limits.checks(s, operation(30_000.0, null, true), load(0, 0, 0), CLEAN))).as(s.name())
                    .isEmpty();
            assertThat(failed(Limits.checks(s, operation(100.0, null, true), load(1, 2, 3), CLEAN))).as(s.name())
                    .containsExactly("failed requests", "5xx answers seen by clients", "client retries");
            assertThat(failed(Limits.checks(s, operation(100.0, null, false), load(0, 0, 0), CLEAN))).as(s.name())
                    .containsExactly("stack healthy again");
        }
    }

    @Test
    void aBadArtifactMustBeRolledBack() {
        assertThat(failed(Limits.checks(scenario("deploy-bad-artifact"), operation(100.0, true, true), load(0, 0, 0), CLEAN)))
                .isEmpty();
        assertThat(failed(Limits.checks(scenario("deploy-bad-artifact"), operation(100.0, false, true), load(0, 0, 0), CLEAN)))
                .containsExactly("deploy failed and rolled back");
        assertThat(failed(Limits.checks(scenario("deploy-bad-artifact"), operation(100.0, null, true), load(0, 1, 0), CLEAN)))
                .containsExactly("5xx answers seen by clients", "deploy failed and rolled back");
    }

    @Test
    void restartDbAllowsRetriesButNoWriteGapOfTenSeconds() {
        assertThat(failed(Limits.checks(scenario("restart-db"), operation(9_900.0, null, true), load(0, 4, 40), CLEAN)))
                .isEmpty();
        assertThat(failed(Limits.checks(scenario("restart-db"), operation(10_000.0, null, true), load(0, 0, 0), CLEAN)))
                .containsExactly("longest time without an acknowledged write");
        assertThat(failed(Limits.checks(scenario("restart-db"), operation(null, null, true), load(2, 0, 9), CLEAN)))
                .containsExactly("failed requests", "longest time without an acknowledged write");
    }

    @Test
    void scaleInNeedsTwoWebAndTwoAppHosts() {
        var one = dev.scaleup.topology.Topology.defaults("t", java.nio.file.Path.of("/site"))
                .withNetwork(dev.scaleup.topology.Network.in(dev.scaleup.topology.Subnet.parse("198.19.9.0/24")))
                .withWeb(new dev.scaleup.topology.Web(1, 8080)).withApp(new dev.scaleup.topology.App(2, 8081, 256));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ScaleIn().require(one))
                .isInstanceOf(dev.scaleup.ops.RefusedException.class).hasMessageContaining("web=1 app=2");
    }

    @Test
    void writesWithoutAKeyGoWithEveryOperationButTheDbRestart() {
        java.util.Set<String> expected = java.util.Set.of("scale-out", "scale-in", "deploy", "deploy-bad-artifact",
                "restart-lb", "restart-web");
        for (DrillScenario scenario : Scenarios.all()) {
            assertThat(scenario.unkeyedWrites()).as(scenario.name()).isEqualTo(expected.contains(scenario.name()));
        }
        assertThat(scenario("scale-in").unkeyedWrites()).isTrue();
        assertThat(scenario("app-kill").unkeyedWrites()).as("a fault may fail a write nobody may retry").isFalse();
    }

    @Test
    void everyDrillButThoseThatMoveThemKeepsTheVipHolderAndThePrimary() {
        var t = dev.scaleup.topology.Topology.defaults("t", java.nio.file.Path.of("/site"));
        var lb1 = t.host("lb1").orElseThrow();
        var lb2 = t.host("lb2").orElseThrow();
        var db1 = t.host("db1").orElseThrow();
        var db2 = t.host("db2").orElseThrow();
        assertThat(Limits.noFalseFailover(scenario("web-kill"), lb1, lb1, db1, db1)).allMatch(Check::ok).hasSize(2);
        assertThat(failed(Limits.noFalseFailover(scenario("login-flood"), lb1, lb2, db1, db2)))
                .containsExactly("VIP holder unchanged (no false failover)", "primary unchanged (no false failover)");
        assertThat(failed(Limits.noFalseFailover(scenario("db-replica-kill"), lb1, null, db1, null)))
                .as("unknown at the end is no proof").hasSize(2);
        assertThat(Limits.noFalseFailover(scenario("lb-kill"), lb1, lb2, db1, db1)).extracting(Check::name)
                .containsExactly("primary unchanged (no false failover)");
        assertThat(Limits.noFalseFailover(scenario("db-primary-kill"), lb1, lb1, db1, db2)).extracting(Check::name)
                .containsExactly("VIP holder unchanged (no false failover)");
        java.util.Set<String> vip = java.util.Set.of("lb-kill", "lb-partition", "haproxy-crash", "lb-vrrp-block",
                "restart-lb");
        java.util.Set<String> primary = java.util.Set.of("db-primary-kill", "db-postgres-crash", "db-primary-partition",
                "db-primary-power-cut", "db-standby-freeze", "db-standby-partition", "restart-db", "restore",
                "restore-after-failover");
        for (DrillScenario scenario : Scenarios.all()) {
            assertThat(scenario.mayMoveVip()).as(scenario.name()).isEqualTo(vip.contains(scenario.name()));
            assertThat(scenario.mayMovePrimary()).as(scenario.name()).isEqualTo(primary.contains(scenario.name()));
        }
    }
}
