package dev.scaleup.ansible;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.runtime.HostsTarget;
import dev.scaleup.runtime.SshCommands;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Topology;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The hosts target acts on the units the project installs and starts: for every host, each unit HostsTarget names is
 * one a role enables (`ansible.builtin.systemd: name: UNIT ... enabled: true`) and gets its file from the host's files.
 */
class UnitNamesTest {

    @Test
    void everyUnitOfAHostIsOneItsRoleInstallsAndStarts() {
        Topology t = AnsibleProjectTest.example();
        HostsTarget target = new HostsTarget(t, new SshCommands.HostKeys(Path.of("/k"), false), Path.of("/c"));
        String roles = String.join("\n", AnsibleProject.FIXED.stream().map(AnsibleProject::resource).toList());
        for (Host host : t.hosts()) {
            var files = AnsibleProject.hostFiles(t, host, AnsibleProjectTest.INPUTS).stream().map(ProjectFile::path).toList();
            for (String unit : target.units(host)) {
                assertThat(roles).as(host.name() + " " + unit).contains("    name: " + unit + "\n    state: started\n"
                        + "    enabled: true");
                assertThat(files).as(host.name()).anyMatch(f -> f.equals("host_files/" + host.name() + "/" + unit
                        + ".service") || f.equals("host_files/" + host.name() + "/" + unit + ".service.conf"));
            }
        }
    }
}
