package dev.scaleup.cli;

import dev.scaleup.lab.HostsFile;
import dev.scaleup.lab.Lab;
import dev.scaleup.lab.LabPlan;
import dev.scaleup.ops.Progress;
import dev.scaleup.ops.RefusedException;
import dev.scaleup.runtime.StateDir;
import dev.scaleup.topology.Subnet;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"Boots N throwaway Debian 12 hosts (lb, web, app, db spread like the default topology) on a"
                + " bridge of their own, waits until each answers SSH, and writes their hosts file. The image is built"
                + " once with debootstrap and cached under /var/cache/scaleup/images. A second run with the same hosts"
                + " running changes nothing."})
final class HostsUpCommand implements Callable<Integer> {

    @Option(names = {"-n", "--count"}, required = true, paramLabel = "N",
            description = "Number of hosts, " + LabPlan.MIN_HOSTS + " to " + LabPlan.MAX_HOSTS + " (9: lb1 lb2 web1 web2 app1 app2 db1 db2 db3).")
    int count;

    @Option(names = "--backup", description = "One more host, backup1, for the pgBackRest repository (not counted in"
            + " N), listed in the hosts file with backups on.")
    boolean backup;

    @Option(names = "--monitoring", description = "One more host, mon1, for Prometheus and Alertmanager (not counted in"
            + " N), listed in the hosts file with monitoring on.")
    boolean monitoring;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "lab",
            description = "The lab's name (default: ${DEFAULT-VALUE}), also the deployment's name in the hosts file.")
    String name;

    @Option(names = "--subnet", paramLabel = "CIDR", defaultValue = "198.18.16.0/24",
            description = "The lab's network inside 198.18.0.0/15 (default: ${DEFAULT-VALUE}); the bridge is .1.")
    String subnet;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", defaultValue = "hosts.yaml",
            description = "Where the hosts file is written (default: ${DEFAULT-VALUE}).")
    Path output;

    @Override
    public Integer call() {
        Subnet parsed;
        try {
            parsed = Subnet.parse(subnet);
        } catch (IllegalArgumentException e) {
            throw new RefusedException("--subnet: " + e.getMessage());
        }
        LabPlan plan = LabPlan.of(name, parsed, count, backup, monitoring);
        CommonOptions.requireRoot();
        Progress progress = new Progress(System.out);
        Lab lab = new Lab(plan);
        lab.up(progress);
        StateDir.writeAtomically(output.toAbsolutePath(), HostsFile.render(plan, lab.dir().key(), lab.dir().knownHosts()));
        progress.step(String.format("%d hosts up in %.1f s; hosts file %s (ssh -i %s root@%s)", plan.hosts().size(),
                progress.elapsedSeconds(), output, lab.dir().key(), plan.hosts().get(0).address()));
        return 0;
    }
}
