package dev.scaleup.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleup.topology.Host;
import dev.scaleup.topology.Topology;
import org.junit.jupiter.api.Test;

class PatroniTagsTest {

    static final Topology T = Fixtures.defaultTopology();

    private static String rendered() {
        Host db3 = Fixtures.host(T, "db3");
        return PatroniConfig.render(T, db3, Fixtures.goldenPaths(db3), Fixtures.SECRETS, Etcd.members(T)).content();
    }

    @Test
    void aTagThatIsThereIsChangedInPlaceAndNothingElse() {
        String yaml = rendered();
        String tagged = PatroniConfig.withTag(yaml, "nosync", true);
        assertThat(tagged).isEqualTo(yaml.replace("  nosync: false\n", "  nosync: true\n")).isNotEqualTo(yaml);
    }

    @Test
    void aNewTagIsAddedToTheTagsBlockAndReplacedTheSecondTime() {
        String yaml = rendered();
        String once = PatroniConfig.withTag(yaml, "replicatefrom", "db2");
        assertThat(once).startsWith(yaml).endsWith("  nosync: false\n  replicatefrom: db2\n");
        assertThat(PatroniConfig.withTag(once, "replicatefrom", "db1")).isEqualTo(yaml + "  replicatefrom: db1\n");
    }

    @Test
    void aFileWithoutTagsIsRefused() {
        assertThatThrownBy(() -> PatroniConfig.withTag("scope: x\n", "nosync", true))
                .hasMessage("no tags block in patroni.yml");
    }
}
