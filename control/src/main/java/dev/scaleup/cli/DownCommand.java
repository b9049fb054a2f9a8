package dev.scaleup.cli;

import dev.scaleup.ops.Down;
import dev.scaleup.ops.Progress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "down", mixinStandardHelpOptions = true,
        description = {"Stops every process of the deployment and removes its namespaces, veths, bridge and state "
                + "directory. Safe after a partial up and safe to run twice."})
final class DownCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        CommonOptions.requireRoot();
        Down.run(common.state(), CommonOptions.repoRoot(), new Progress(System.out));
        return 0;
    }
}
