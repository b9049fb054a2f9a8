package dev.scaleup.drill;

import dev.scaleup.loadgen.Json;
import dev.scaleup.loadgen.Report;
import java.util.List;

/**
 * Everything one drill measured and decided; written as JSON under {@code <state>/drills/}.
 *
 * @param target the host the fault hit
 * @param faultAtS when the fault was injected, seconds since the load started
 * @param faultWallClock the same moment as an ISO time (null when the drill failed before it), for what runs beside
 *     a drill and times itself by the clock (the dashboard's browser test)
 * @param restoredAtS when the restore finished, seconds since the load started
 * @param error why the drill itself could not finish (null when it did)
 * @param failover the failover step by step, from the survivors' logs (empty: none to show)
 */
public record DrillResult(String scenario, String startedAt, boolean passed, String target, String fault,
                          String restore, String limit, String faultDone, String restoreDone, double faultAtS,
                          String faultWallClock,
                          Double restoredAtS, Recovery recovery, DataCheck.Result data, Report load,
                          List<Check> checks, String error, FailoverTimeline failover) {

    public List<Check> failedChecks() {
        return checks.stream().filter(c -> !c.ok()).toList();
    }

    public String toJson() {
        return Json.write(this);
    }
}
