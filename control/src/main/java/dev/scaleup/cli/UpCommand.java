package dev.scaleup.cli;

import dev.scaleup.ops.Progress;
import dev.scaleup.ops.TopologyStore;
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
            description = "Topology file (default: the topology the deployment runs, or for a new one the built-in"
                    + " default stack; see examples/scaleup.yaml).")
    Path file;

    @Override
    public Integer call() {
        Path repoRoot = CommonOptions.repoRoot();
        var state = common.state();
        // without a file, a running deployment keeps the topology it runs (as scaled); a new one gets the defaults
        Topology topology = file != null ? TopologyLoader.load(file, repoRoot)
                : state.exists() ? TopologyStore.load(state.topologyFile()) : TopologyLoader.defaults(repoRoot);
        CommonOptions.requireRoot();
        Up.run(topology, state, repoRoot, new Progress(System.out));
        return 0;
    }
}
