package dev.scaleup.drill;

import dev.scaleup.loadgen.Report;
import dev.scaleup.topology.Host;
import java.util.ArrayList;
import java.util.List;

/**
 * What a drill must achieve, as checks over what it measured: the data checks and "healthy again" of every
 * scenario, then the scenario's own limits. Pure.
 */
public final class Limits {

    private Limits() {
    }

    public static List<Check> checks(DrillScenario scenario, Recovery recovery, Report load, DataCheck.Result data) {
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
        checks.addAll(scenario.limits(recovery, load));
        return checks;
    }

    /**
     * No false failover: unless the scenario may move them, the VIP holder and the primary at the end are those from
     * before the drill.
     *
     * @param vipBefore the VIP holder before the drill (null: none known)
     * @param vipAfter the VIP holder at the end (null: none or two)
     * @param primaryBefore the primary before the drill
     * @param primaryAfter the primary at the end (null: not known, the data check failed)
     */
    static List<Check> noFalseFailover(DrillScenario scenario, Host vipBefore, Host vipAfter, Host primaryBefore,
                                       Host primaryAfter) {
        List<Check> checks = new ArrayList<>();
        if (!scenario.mayMoveVip()) {
            checks.add(new Check("VIP holder unchanged (no false failover)", name(vipAfter), name(vipBefore),
                    vipBefore != null && vipBefore.equals(vipAfter)));
        }
        if (!scenario.mayMovePrimary()) {
            checks.add(new Check("primary unchanged (no false failover)", name(primaryAfter), name(primaryBefore),
                    primaryBefore != null && primaryBefore.equals(primaryAfter)));
        }
        return checks;
    }

    private static String name(Host host) {
        return host == null ? "unknown" : host.name();
    }

    /** Every request succeeded, client retries allowed. */
    static Check noFailedRequest(Report load) {
        return Check.atMost("failed requests", load.failedRequests(), 0);
    }

    /** No client saw a 5xx, even one it sent again. */
    static Check no5xx(Report load) {
        return Check.atMost("5xx answers seen by clients", load.http5xx(), 0);
    }
}
