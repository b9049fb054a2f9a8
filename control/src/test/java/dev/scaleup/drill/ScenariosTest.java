package dev.scaleup.drill;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScenariosTest {

    static final List<String> FAULTS = List.of("lb-kill", "lb-partition", "haproxy-crash", "lb-vrrp-block", "web-kill",
            "app-kill", "db-replica-kill", "db-primary-kill", "db-postgres-crash", "pooler-crash", "db-primary-partition", "db-primary-power-cut",
            "db-standby-freeze",
            "db-standby-partition", "etcd-quorum-loss");
    static final List<String> OPS = List.of("scale-out", "scale-in", "deploy", "deploy-bad-artifact", "restart-lb",
            "restart-web", "restart-db");
    static final List<String> BACKUPS = List.of("restore", "restore-after-failover");
    static final List<String> ABUSE = List.of("login-flood");

    static DrillScenario scenario(String name) {
        return Scenarios.byName(name).orElseThrow();
    }

    @Test
    void theFailuresComeFirstThenTheOperationsThenTheRestoresThenTheAbuseEachNamedOnce() {
        assertThat(Scenarios.names()).doesNotHaveDuplicates().hasSize(25).containsExactlyElementsOf(
                java.util.stream.Stream.of(FAULTS, OPS, BACKUPS, ABUSE).flatMap(List::stream).toList());
        assertThat(Scenarios.group(DrillScenario.Group.FAULTS)).extracting(DrillScenario::name)
                .containsExactlyElementsOf(FAULTS);
        assertThat(Scenarios.group(DrillScenario.Group.FAULTS)).noneMatch(DrillScenario::operation);
        assertThat(Scenarios.group(DrillScenario.Group.OPS)).extracting(DrillScenario::name)
                .containsExactlyElementsOf(OPS);
        assertThat(Scenarios.group(DrillScenario.Group.OPS)).allMatch(DrillScenario::operation);
        assertThat(Scenarios.group(DrillScenario.Group.BACKUPS)).extracting(DrillScenario::name)
                .containsExactlyElementsOf(BACKUPS);
        assertThat(Scenarios.group(DrillScenario.Group.BACKUPS)).noneMatch(DrillScenario::operation)
                .allMatch(DrillScenario::changesDeployment);
        assertThat(Scenarios.group(DrillScenario.Group.ABUSE)).extracting(DrillScenario::name)
                .containsExactlyElementsOf(ABUSE);
    }

    @Test
    void theLoginFloodLastsItsMinuteBetweenTheFaultAndTheRestore() {
        DrillTimeline timeline = DrillTimeline.of(scenario("login-flood"), 0);
        assertThat(timeline.restoreAtMicros() - timeline.faultAtMicros())
                .isBetween(60_000_000L, 61_000_000L);
    }

    @Test
    void thePoolerCrashNeedsThePoolerAndKeepsThePrimary() {
        DrillScenario s = scenario("pooler-crash");
        assertThat(s.mayMovePrimary()).as("no failover: the primary stays").isFalse();
        assertThat(s.limit()).isEqualTo("writes resume < 3 s, before the restore; the primary stays");
        DrillTimeline timeline = DrillTimeline.of(s, 0);
        assertThat(timeline.restoreAtMicros() - timeline.faultAtMicros()).as("the restore comes after the limit")
                .isGreaterThan((long) (PoolerCrash.WRITES_LIMIT_MS * 1000));
    }

    @Test
    void scenariosAreFoundByName() {
        assertThat(Scenarios.byName("lb-kill")).get().isInstanceOf(LbKill.class);
        assertThat(Scenarios.byName("db-primary-partition")).get().isInstanceOf(DbPrimaryPartition.class);
        assertThat(Scenarios.byName("restart-web")).get().extracting(DrillScenario::fault)
                .isEqualTo("scaleup restart web");
        assertThat(Scenarios.byName("nope")).isEmpty();
        assertThat(Scenarios.byName("faults")).as("a group is no scenario").isEmpty();
    }

    @Test
    void drillTakesOneScenarioAGroupOrAll() {
        assertThat(Scenarios.select("web-kill")).get().asList().extracting("name").containsExactly("web-kill");
        assertThat(Scenarios.select("faults")).get().asList().extracting("name").containsExactlyElementsOf(FAULTS);
        assertThat(Scenarios.select("ops")).get().asList().extracting("name").containsExactlyElementsOf(OPS);
        assertThat(Scenarios.select("all")).contains(Scenarios.all());
        assertThat(Scenarios.select("lb-explode")).isEmpty();
        assertThat(Scenarios.select("abuse")).get().asList().extracting("name").containsExactly("login-flood");
        assertThat(Scenarios.select("backups")).get().asList().extracting("name").containsExactlyElementsOf(BACKUPS);
        assertThat(Scenarios.selectors()).endsWith("login-flood", "faults", "ops", "backups", "abuse", "all")
                .containsAll(Scenarios.names()).hasSize(30);
    }

    @Test
    void theHelpListsEveryScenarioByGroupWithTheGroupsCounted() {
        assertThat(Scenarios.help()).containsExactly(
                "Failures: lb-kill, lb-partition, haproxy-crash, lb-vrrp-block, web-kill, app-kill, db-replica-kill, "
                        + "db-primary-kill, db-postgres-crash, pooler-crash, db-primary-partition, db-primary-power-cut, db-standby-freeze, "
                        + "db-standby-partition, etcd-quorum-loss.",
                "Operations under load (the operation is the fault): scale-out, scale-in, deploy, deploy-bad-artifact, "
                        + "restart-lb, restart-web, restart-db.",
                "Restores from backup under load (backup.enabled): restore, restore-after-failover.",
                "Abuse at the edge (hostile clients): login-flood.",
                "Groups (one after the other, then a summary table): faults (the 15 failures), ops (the 7 operations), "
                        + "backups (the 2 restore drills), abuse (the 1 abuse drills), all (all 25).");
    }

    @Test
    void thePrimaryScenariosWaitForWritesAndTheOldPrimary() {
        for (String name : List.of("db-primary-kill", "db-primary-partition", "db-primary-power-cut")) {
            DrillScenario s = scenario(name);
            // the primary scenarios' limit and 5 s more (db-primary-kill's own limit is lower)
            assertThat(s.writesWait()).as(name).isEqualTo(Duration.ofSeconds(17));
            assertThat(s.awaitsOldPrimary()).as(name).isTrue();
            assertThat(s.defaultSeconds()).as(name).isEqualTo(40);
            assertThat(s.overrun()).as(name).isEqualTo(Duration.ofSeconds(40));
        }
        for (DrillScenario s : Scenarios.all()) {
            if (!(s instanceof PrimaryFailover)) {
                assertThat(s.writesWait()).as(s.name()).isZero();
                // the standby scenarios kill the primary too, but writes need their restore to resume
                assertThat(s.awaitsOldPrimary()).as(s.name()).isEqualTo(s instanceof SyncStandbyFault);
            }
        }
    }

    @Test
    void theDatabaseScenariosWaitLongerForHealth() {
        for (DrillScenario s : Scenarios.all()) {
            boolean db = s.name().startsWith("db-") || s.name().startsWith("etcd-") || s.name().equals("restart-db")
                    || s.group() == DrillScenario.Group.BACKUPS;
            assertThat(s.healthWait()).as(s.name()).isEqualTo(Duration.ofSeconds(db ? 150 : 60));
        }
        assertThat(scenario("db-replica-kill").defaultSeconds()).isEqualTo(25);
        assertThat(scenario("lb-kill").defaultSeconds()).isEqualTo(20);
        assertThat(scenario("deploy").defaultSeconds()).isEqualTo(20);
    }

    @Test
    void operationsMayRunLongAndChangeTheDeploymentFaultsDoNot() {
        for (DrillScenario s : Scenarios.all()) {
            // a restore is an operation too, run to its end, outside the ops group
            boolean operation = s.operation() || s.group() == DrillScenario.Group.BACKUPS;
            assertThat(s.overrun()).as(s.name()).isEqualTo(Duration.ofSeconds(operation ? 600
                    : s instanceof PrimaryFailover ? 40 : s instanceof SyncStandbyFault ? 30
                    : s instanceof EtcdQuorumLoss ? 30 : 10));
            assertThat(s.changesDeployment()).as(s.name()).isEqualTo(operation);
            // every alert a drill expects is one of the rules the monitoring host evaluates
            assertThat(s.expectedAlerts()).as(s.name()).isSubsetOf(dev.scaleup.render.AlertRules
                    .rules(dev.scaleup.topology.Topology.defaults("t", java.nio.file.Path.of("/srv/site"))).stream()
                    .map(dev.scaleup.render.AlertRules.Rule::name).toList());
            if (operation) {
                assertThat(s.expectedAlerts()).as(s.name()).isEmpty();
            }
        }
    }

    @Test
    void restoresAndLimitsAreSaidInWords() {
        assertThat(scenario("lb-partition").restore()).isEqualTo("link up");
        assertThat(scenario("web-kill").restore()).isEqualTo("up");
        assertThat(scenario("scale-in").restore()).isEqualTo("scale back out");
        assertThat(scenario("restart-lb").restore()).isEqualTo("none");
        assertThat(scenario("restart-lb").limit()).isEqualTo("no failed request, no 5xx, no client retry");
        assertThat(scenario("deploy-bad-artifact").limit()).isEqualTo("no failed request, no 5xx, no client retry; "
                + "the deploy fails and every app host runs the previous build");
    }
}
