package dev.scaleup.cli;

import dev.scaleup.ops.OperatorException;
import dev.scaleup.topology.TopologyException;
import picocli.CommandLine;

/** Turns failures into a message and an exit code: no stack traces for errors the operator can act on. */
final class Errors implements CommandLine.IExecutionExceptionHandler {

    static final int FAILED = 1;
    static final int USAGE = 2;

    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        var err = commandLine.getErr();
        if (e instanceof TopologyException) {
            err.println("scaleup: the topology is not valid; nothing was started:");
            err.println(e.getMessage().indent(2).stripTrailing());
            return USAGE;
        }
        if (e instanceof dev.scaleup.ops.RefusedException) {
            err.println("scaleup: " + e.getMessage());
            return USAGE;
        }
        if (e instanceof OperatorException) {
            err.println("scaleup: " + e.getMessage());
            return FAILED;
        }
        err.println("scaleup: unexpected failure: " + e);
        e.printStackTrace(err);
        return FAILED;
    }
}
