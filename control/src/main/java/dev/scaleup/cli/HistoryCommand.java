package dev.scaleup.cli;

import dev.scaleup.ops.History;
import dev.scaleup.ops.OperatorException;
import dev.scaleup.runtime.StateDir;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "history", mixinStandardHelpOptions = true,
        description = {"Shows the audit trail of operations on the deployment (deploy, scale, restart), one line per step."})
final class HistoryCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Option(names = {"-n", "--lines"}, paramLabel = "N", defaultValue = "50", description = "Show the last N lines (default 50).")
    int lines;

    @Override
    public Integer call() {
        StateDir state = common.state();
        if (!state.exists()) {
            throw new OperatorException("no deployment at " + state.path());
        }
        var all = History.read(state.historyFile());
        all.subList(Math.max(0, all.size() - lines), all.size()).forEach(System.out::println);
        if (all.isEmpty()) {
            System.out.println("no operations yet");
        }
        return 0;
    }
}
