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
 * one a role enables (`ansible.builtin.systemd: name: UNIT ... enabled: true`; an exporter's, the exporters role for
 * each unit the inventory lists for the host) and gets its file from the host's files.
 */
class UnitNamesTest {

    @Test
    void everyUnitOfAHostIsOneItsRoleInstallsAndStarts() {
        Topology t = AnsibleProjectTest.example();
        HostsTarget target = new HostsTarget(t, new SshCommands.HostKeys(Path.of("/k"), false), Path.of("/c"));
        String roles = String.join("\n", AnsibleProject.FIXED.stream().map(AnsibleProject::resource).toList());
        for (Host host : t.hosts()) {
            var files = AnsibleProject.hostFiles(t, host, AnsibleProjectTest.INPUTS).stream().map(ProjectFile::path).toList();
            // the host's variables in inventory.yml: the lines indented below its name
            java.util.regex.Matcher vars = java.util.regex.Pattern.compile("\n        " + host.name()
                    + ":\n((?: {10}.*\n)*)").matcher(Inventory.render(t));
            assertThat(vars.find()).as(host.name() + " in the inventory").isTrue();
            String hostVars = vars.group(1);
            for (String unit : target.units(host)) {
                if (unit.startsWith("prometheus-") && unit.endsWith("-exporter")) {
                    // the exporters role starts every unit the inventory lists for the host
                    assertThat(roles).contains("    name: \"{{ item.item }}\"\n    state: \"{{ 'restarted' if"
                            + " item.changed else 'started' }}\"\n    enabled: true\n");
                    assertThat(hostVars).as(host.name() + " " + unit).containsPattern("scaleup_exporters: \\[[^]]*'"
                            + unit + "'");
                } else {
                    assertThat(roles).as(host.name() + " " + unit).contains("    name: " + unit + "\n    state: started\n"
                            + "    enabled: true");
                }
                assertThat(files).as(host.name() + " " + unit).anyMatch(f -> f.equals("host_files/" + host.name() + "/" + unit
                        + ".service") || f.equals("host_files/" + host.name() + "/" + unit + ".service.conf"));
            }
        }
    }
}
