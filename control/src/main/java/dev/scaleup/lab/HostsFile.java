package dev.scaleup.lab;

import dev.scaleup.topology.Role;
import java.nio.file.Path;

/**
 * The hosts topology file of a lab (the format agreed for {@code target: hosts}): the deployment named like the lab,
 * its subnet and VIP, {@code host0} as the interface, SSH as root with the lab's key, every host by scaleup's name
 * with its address, and each tier's count at the number of hosts of its role. Pure.
 */
public final class HostsFile {

    private HostsFile() {
    }

    public static String render(LabPlan plan, Path key, Path knownHosts) {
        StringBuilder out = new StringBuilder();
        out.append("# Written by `scaleup hosts up`: ").append(plan.hosts().size())
                .append(" throwaway Debian 12 hosts (systemd-nspawn containers) on this machine;\n")
                .append("# `scaleup hosts down --name ").append(plan.name()).append("` removes them.\n")
                .append("# Their sshd keys are in ssh.known_hosts, checked strictly.\n")
                .append("name: ").append(plan.name()).append('\n')
                .append("target: hosts\n")
                .append("network:\n")
                .append("  subnet: ").append(plan.subnet()).append('\n')
                .append("  vip: ").append(plan.vip()).append('\n')
                .append("  interface: host0           # systemd-nspawn's veth inside each container\n")
                .append("ssh:\n")
                .append("  user: root\n")
                .append("  port: 22\n")
                .append("  key: ").append(key).append('\n')
                .append("  sudo: false\n")
                .append("  known_hosts: ").append(knownHosts).append('\n')
                .append("hosts:\n");
        plan.hosts().forEach(host -> out.append("  ").append(host.name()).append(":\n")
                .append("    address: ").append(host.address()).append('\n'));
        out.append("lb:\n  count: ").append(count(plan, Role.LB)).append('\n')
                .append("web:\n  count: ").append(count(plan, Role.WEB)).append('\n')
                .append("app:\n  count: ").append(count(plan, Role.APP)).append('\n')
                .append("db:\n  replicas: ").append(count(plan, Role.DB) - 1).append('\n');
        if (count(plan, Role.BACKUP) > 0) {
            out.append("backup:\n  enabled: true\n");
        }
        if (count(plan, Role.MON) > 0) {
            out.append("monitoring:\n  enabled: true\n");
        }
        return out.toString();
    }

    private static long count(LabPlan plan, Role role) {
        return plan.hosts().stream().filter(h -> h.role() == role).count();
    }
}
