package dev.scaleup.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.topology.Host;
import dev.scaleup.topology.Topology;
import org.junit.jupiter.api.Test;

/** Strict synchronous mode only where a standby can exist: a primary alone would never commit. */
class PatroniSynchronousModeTest {

    private static String rendered(Topology t) {
        Host db1 = Fixtures.host(t, "db1");
        return PatroniConfig.render(t, db1, Fixtures.goldenPaths(db1), Fixtures.SECRETS, Etcd.members(t)).content();
    }

    @Test
    void withReplicasCommitsWaitForTheSynchronousStandby() {
        Topology t = Fixtures.defaultTopology();
        assertThat(PatroniConfig.synchronousMode(t)).isTrue();
        assertThat(rendered(t)).contains("    synchronous_mode: true\n    synchronous_mode_strict: true\n");
        Topology one = t.withDb(t.db().withReplicas(1));
        assertThat(PatroniConfig.synchronousMode(one)).isTrue();
        assertThat(rendered(one)).contains("    synchronous_mode: true\n    synchronous_mode_strict: true\n");
    }

    @Test
    void everyReplicaIsASynchronousStandby() {
        Topology t = Fixtures.defaultTopology();
        assertThat(PatroniConfig.synchronousNodeCount(t)).isEqualTo(2);
        assertThat(rendered(t)).contains("    synchronous_node_count: 2\n");
        Topology three = t.withDb(t.db().withReplicas(3));
        assertThat(rendered(three)).contains("    synchronous_node_count: 3\n");
        Topology alone = t.withDb(t.db().withReplicas(0));
        assertThat(PatroniConfig.synchronousNodeCount(alone)).isEqualTo(1);
    }

    @Test
    void withoutReplicasThePrimaryCommitsAlone() {
        Topology t = Fixtures.defaultTopology();
        Topology alone = t.withDb(t.db().withReplicas(0));
        assertThat(PatroniConfig.synchronousMode(alone)).isFalse();
        assertThat(rendered(alone)).contains("    synchronous_mode: false\n    synchronous_mode_strict: false\n");
    }
}
