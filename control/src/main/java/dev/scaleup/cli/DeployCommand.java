package dev.scaleup.cli;

import dev.scaleup.ops.Deploy;
import dev.scaleup.ops.Progress;
import dev.scaleup.ops.RefusedException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = {"Rolling update of the app tier to a new build, a batch at a time: drain in nginx, stop (the app"
                + " drains itself), start the new build, health gate, back in rotation. A host that fails its gate goes"
                + " back to the previous build and the deploy stops. One deploy at a time; `scaleup history` shows the steps."})
final class DeployCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "TIER", description = "What to deploy: app")
    String tier;

    @Option(names = "--artifact", paramLabel = "PATH",
            description = "app.jar (with its lib/ beside it) or a directory holding them (default: the repository's build).")
    Path artifact;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1", description = "App hosts updated at once (default 1).")
    int batch;

    @Override
    public Integer call() {
        if (!tier.equals("app")) {
            throw new RefusedException("deploy: only the app tier is deployed this way (got '" + tier + "');"
                    + " use `scaleup restart` or `up` for the others");
        }
        CommonOptions.requireRoot();
        Deploy.run(common.state(), CommonOptions.repoRoot(), artifact, batch, new Progress(System.out));
        return 0;
    }
}
