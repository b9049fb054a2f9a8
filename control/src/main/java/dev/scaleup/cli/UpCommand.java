package dev.scaleup.cli;

import dev.scaleup.ops.Progress;
import dev.scaleup.ops.Up;
import dev.scaleup.topology.Topology;
import dev.scaleup.topology.TopologyLoader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"Brings the deployment up: creates the hosts, renders and checks every config, starts every "
                + "server and waits until each is healthy. Run again, it starts only what is missing."})
final class UpCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE",
            description = "Topology file (default: the built-in default stack; see examples/scaleup.yaml).")
    Path file;

    @Override
    public Integer call() {
        Path repoRoot = CommonOptions.repoRoot();
        Topology topology = file == null ? TopologyLoader.defaults(repoRoot) : TopologyLoader.load(file, repoRoot);
        CommonOptions.requireRoot();
        Up.run(topology, common.state(), repoRoot, new Progress(System.out));
        return 0;
    }
}
