package dev.scaleup.cli;

import dev.scaleup.ops.Progress;
import dev.scaleup.ops.Restart;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "restart", mixinStandardHelpOptions = true,
        description = {"Restarts a tier (lb, web, app, db) or one host in a safe order: web hosts one at a time behind"
                + " HAProxy; the standby load balancer first, then the VIP holder (the VIP moves first); the database"
                + " replicas, then a switchover, then the old primary; app hosts like a deploy of the same build."})
final class RestartCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "TIER|HOST", description = "lb, web, app, db, or a host name such as web1")
    String target;

    @picocli.CommandLine.Option(names = "--move-vip", description = "Also restart the VIP holder's processes: the VIP"
            + " moves to the standby first (connections in use at that moment are reset). Without it the VIP holder's"
            + " HAProxy is re-executed seamlessly and its keepalived reloaded, so the VIP stays.")
    boolean moveVip;

    @Override
    public Integer call() {
        CommonOptions.requireRoot();
        Restart.run(common.state(), CommonOptions.repoRoot(), target, moveVip, new Progress(System.out));
        return 0;
    }
}
