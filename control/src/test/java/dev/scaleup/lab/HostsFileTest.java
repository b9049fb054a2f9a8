package dev.scaleup.lab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.render.GoldenFilesTest;
import dev.scaleup.topology.Subnet;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import dev.scaleup.topology.TopologyLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lab's hosts file (format agreed for {@code target: hosts}) against golden/lab/hosts.yaml. */
class HostsFileTest {

    @Test
    void nineHostsMatchTheGoldenFile() {
        LabPlan plan = LabPlan.of("lab", Subnet.parse("198.18.16.0/24"), 9);
        String text = HostsFile.render(plan, LabDir.of("lab").key(), LabDir.of("lab").knownHosts());
        GoldenFilesTest.compare(GoldenFilesTest.goldenDir().resolve("lab").resolve("hosts.yaml"), text);
    }

    @Test
    void hostFilesGiveHost0ItsStaticAddressAndEveryHostItsPeersNames() {
        LabPlan plan = LabPlan.of("labx", Subnet.parse("198.19.50.0/24"), 6);
        assertThat(HostFiles.network(plan, plan.host("db2"))).contains("[Match]\nName=host0\n")
                .contains("Address=198.19.50.82/24\nGateway=198.19.50.1\n");
        assertThat(HostFiles.etcHosts(plan)).startsWith("127.0.0.1\tlocalhost\n198.19.50.11\tlb1\n")
                .endsWith("198.19.50.82\tdb2\n");
        assertThat(LabDir.of("labx").key()).isEqualTo(Path.of("/var/lib/scaleup/lab/labx/id_ed25519"));
    }

    /** What `hosts up` writes is what `up -f` reads: the two halves of the hosts target agree on the format. */
    @Test
    void theWrittenFileLoadsAsAHostsTopology(@TempDir Path dir) throws IOException {
        Path key = Files.createFile(dir.resolve("id_ed25519"));
        LabPlan plan = LabPlan.of("lab", Subnet.parse("198.18.16.0/24"), 10);
        Path file = dir.resolve("hosts.yaml");
        Files.writeString(file, HostsFile.render(plan, key, dir.resolve("known_hosts")));
        Topology t = TopologyLoader.parse(Files.readString(file), dir, dir, file, false);
        assertThat(t.target()).isEqualTo("hosts");
        assertThat(t.hostInterface()).isEqualTo("host0");
        assertThat(t.hosts(Role.APP)).extracting(h -> h.name() + "@" + h.address())
                .containsExactly("app1@198.18.16.41", "app2@198.18.16.42", "app3@198.18.16.43");
        assertThat(t.db().replicas()).isEqualTo(2);
        assertThat(t.hosts()).hasSize(10);
        // the lab's sshd keys, so SSH and Ansible check every host's key strictly
        assertThat(t.servers().named("db3").orElseThrow().ssh().knownHosts()).isEqualTo(dir.resolve("known_hosts"));
    }
}
