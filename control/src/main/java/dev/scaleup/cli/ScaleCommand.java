package dev.scaleup.cli;

import dev.scaleup.ops.Progress;
import dev.scaleup.ops.Scale;
import dev.scaleup.ops.ScalePlan;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "scale", mixinStandardHelpOptions = true,
        description = {"Changes how many hosts a tier has on the running deployment, e.g. `scale web=3 app=5 db.replicas=2`."
                + " New hosts are health-gated before they get traffic; hosts that go are drained first. The load"
                + " balancers are a fixed pair. A refused request changes nothing."})
final class ScaleCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Parameters(arity = "1..*", paramLabel = "TIER=COUNT", description = "web=N (1-19), app=N (1-39), db.replicas=N (1-8)")
    List<String> counts;

    @Override
    public Integer call() {
        var parsed = ScalePlan.parse(counts);
        CommonOptions.requireRoot();
        Scale.run(common.state(), CommonOptions.repoRoot(), parsed, new Progress(System.out));
        return 0;
    }
}
