package dev.scaleup.cli;

import dev.scaleup.ops.Down;
import dev.scaleup.ops.OperatorException;
import dev.scaleup.ops.Progress;
import dev.scaleup.ops.TopologyStore;
import dev.scaleup.runtime.StateDir;
import dev.scaleup.topology.Topology;
import dev.scaleup.topology.TopologyLoader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "down", mixinStandardHelpOptions = true,
        description = {"Stops every process of the deployment and removes its namespaces, veths, bridge and state "
                + "directory (on netns the processes are killed at once, the load balancers' first: their hosts and"
                + " data go with them). Safe after a partial up and safe to run twice. On servers (target: hosts) it stops and"
                + " disables every unit scaleup installed and leaves the servers reachable; their data and the state"
                + " directory stay unless --purge."})
final class DownCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE",
            description = "Topology file: the servers to stop when the state directory holds no deployment (default:"
                    + " the topology the deployment runs).")
    Path file;

    @Option(names = "--purge", description = "On servers, also delete their data (/var/lib/scaleup) and the state"
            + " directory (on netns down always removes everything).")
    boolean purge;

    @Override
    public Integer call() {
        CommonOptions.requireRoot();
        StateDir state = common.state();
        if (file != null) {
            adopt(TopologyLoader.load(file, CommonOptions.repoRoot()), state);
        }
        Down.run(state, CommonOptions.repoRoot(), purge, new Progress(System.out));
        return 0;
    }

    /** The file's deployment becomes the state directory's when it holds none (a lost state directory); else they must agree. */
    private static void adopt(Topology topology, StateDir state) {
        if (state.exists()) {
            String running = TopologyStore.load(state.topologyFile()).name();
            if (!running.equals(topology.name())) {
                throw new OperatorException("the state directory " + state.path() + " holds deployment " + running
                        + ", not " + topology.name() + " of the file: give the state directory of " + topology.name());
            }
            return;
        }
        state.create();
        TopologyStore.save(topology, state.topologyFile());
    }
}
