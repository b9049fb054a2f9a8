package dev.scaleup.drill;

import dev.scaleup.loadgen.Report;
import java.util.ArrayList;
import java.util.List;

/** What each scenario must achieve, as checks over what the drill measured. Pure. */
public final class Limits {

    private Limits() {
    }

    public static List<Check> checks(Scenario scenario, Recovery recovery, Report load, DataCheck.Result data) {
        List<Check> checks = new ArrayList<>();
        if (data != null) {
            checks.add(Check.atMost("acknowledged writes lost", data.lost(), 0));
            checks.add(Check.atMost("writes applied twice", data.duplicated(), 0));
            checks.add(Check.atMost("acknowledged writes changed", data.mismatched(), 0));
            checks.add(Check.atMost("rejected writes applied", data.rejectedApplied(), 0));
            checks.add(Check.atMost("rows with keys never sent", data.unexpected(), 0));
            checks.add(new Check("sum of balances unchanged", data.sumDifferenceCents() + " cents difference",
                    "0", data.balancesConserved()));
            checks.add(Check.atMost("negative balances", data.after().negative(), 0));
        } else {
            checks.add(new Check("data checked", "no", "the data check ran", false));
        }
        checks.add(Check.isTrue("stack healthy again", recovery.healthyAgain(), "yes, within the bounded wait"));
        switch (scenario) {
            case LB_KILL, HAPROXY_CRASH -> checks.add(Check.below("longest outage", recovery.longestGapMs(),
                    Scenario.OUTAGE_LIMIT_MS));
            case LB_PARTITION -> {
                checks.add(Check.below("longest outage", recovery.longestGapMs(), Scenario.OUTAGE_LIMIT_MS));
                checks.add(new Check("VIP holders after the link returns",
                        recovery.vipHoldersAfter() == null ? "unknown" : recovery.vipHoldersAfter().toString(), "1",
                        recovery.vipHoldersAfter() != null && recovery.vipHoldersAfter() == 1));
            }
            case WEB_KILL -> {
                checks.add(Check.atMost("failed requests", load.failedRequests(), 0));
                checks.add(Check.atMost("5xx answers seen by clients", load.http5xx(), 0));
            }
            case APP_KILL -> {
                checks.add(Check.atMost("failed idempotent requests", load.failedIdempotentRequests(), 0));
                checks.add(Check.atMost("5xx answers to idempotent requests", load.http5xxIdempotent(), 0));
            }
            case DB_REPLICA_KILL -> checks.add(Check.atMost("failed requests", load.failedRequests(), 0));
            case DB_PRIMARY_KILL -> checks.add(Check.below("writes resume after the fault",
                    recovery.faultToFirstWriteMs(), Scenario.WRITES_LIMIT_MS));
            case DB_PRIMARY_PARTITION -> {
                checks.add(Check.below("writes resume after the fault", recovery.faultToFirstWriteMs(),
                        Scenario.WRITES_LIMIT_MS));
                checks.add(Check.isTrue("old primary rejoined as a replica",
                        Boolean.TRUE.equals(recovery.oldPrimaryRejoined()), "yes, within the bounded wait"));
            }
            case SCALE_OUT, SCALE_IN, DEPLOY, RESTART_LB, RESTART_WEB -> noFailedRequest(checks, load);
            case DEPLOY_BAD_ARTIFACT -> {
                noFailedRequest(checks, load);
                checks.add(Check.isTrue("deploy failed and rolled back", Boolean.TRUE.equals(recovery.rolledBack()),
                        "yes: the deploy fails, every app host runs the previous build and is healthy"));
            }
            case RESTART_DB -> {
                checks.add(Check.atMost("failed requests", load.failedRequests(), 0));
                checks.add(Check.below("longest time without an acknowledged write", recovery.longestWriteGapMs(),
                        Scenario.WRITE_GAP_LIMIT_MS));
            }
        }
        return checks;
    }

    /** An operation must be invisible to clients: no request fails, none sees a 5xx, none even needs a retry. */
    private static void noFailedRequest(List<Check> checks, Report load) {
        checks.add(Check.atMost("failed requests", load.failedRequests(), 0));
        checks.add(Check.atMost("5xx answers seen by clients", load.http5xx(), 0));
        checks.add(Check.atMost("client retries", load.retries(), 0));
    }
}
