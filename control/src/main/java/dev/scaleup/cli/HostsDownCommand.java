package dev.scaleup.cli;

import dev.scaleup.lab.Lab;
import dev.scaleup.ops.Progress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "down", mixinStandardHelpOptions = true,
        description = {"Removes the throwaway hosts of a lab: powers each off (KILL after 30 s), unmounts its overlay,"
                + " deletes its bridge, veths and directory. Safe after a failed or interrupted `hosts up` and when"
                + " nothing is there. The image cache and the hosts file stay."})
final class HostsDownCommand implements Callable<Integer> {

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "lab", description = "The lab's name (default: ${DEFAULT-VALUE}).")
    String name;

    @Override
    public Integer call() {
        CommonOptions.requireRoot();
        Lab.down(name, new Progress(System.out));
        return 0;
    }
}
