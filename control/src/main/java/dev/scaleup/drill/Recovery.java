package dev.scaleup.drill;

import java.util.List;

/**
 * How the stack lived through the fault, times in milliseconds from the fault (null: never seen).
 *
 * @param outageMs the longest stretch without any successful request from the fault to the end of the run
 * @param longestGapMs the longest stretch without any successful request in the whole run
 * @param faultToFirstSuccessMs to the first success of a request sent after the fault
 * @param faultToFirstWriteMs to the first acknowledged transfer sent after the fault (writes resume)
 * @param faultToHealthyMs to the first moment status said the whole stack is healthy again (after the restore)
 * @param healthyAgain the stack was healthy again within the bounded wait
 * @param vipHoldersAfter load balancers holding the VIP once healthy again (and at the end)
 * @param oldPrimaryRejoined the old primary is a healthy replica again (primary scenarios; null otherwise)
 * @param faultToRejoinMs to the moment the old primary was a healthy replica
 * @param unhealthyAtEnd hosts status did not call healthy at the end of the wait
 * @param operationMs how long the operation took (operation scenarios; null otherwise)
 * @param servedDuringOperation requests that succeeded while the operation ran (operation scenarios)
 * @param longestWriteGapMs the longest stretch without an acknowledged write from the fault to the end of the run
 * @param rolledBack deploy-bad-artifact: the deploy failed and every app host runs the previous build, healthy
 *                   (null for the other scenarios)
 * @param longestSplitBrainMs the longest stretch two load balancers held the VIP at once, sampled from the fault to
 *                            the end of the run (scenarios that watch the VIP holders; null otherwise)
 */
public record Recovery(Double outageMs, double longestGapMs, Double faultToFirstSuccessMs, Double faultToFirstWriteMs,
                       Double faultToHealthyMs, boolean healthyAgain, Long vipHoldersAfter, Boolean oldPrimaryRejoined,
                       Double faultToRejoinMs, List<String> unhealthyAtEnd, Double operationMs,
                       Long servedDuringOperation, Double longestWriteGapMs, Boolean rolledBack,
                       Double longestSplitBrainMs) {

    /** A failure scenario's recovery: no operation measured. */
    public Recovery(Double outageMs, double longestGapMs, Double faultToFirstSuccessMs, Double faultToFirstWriteMs,
                    Double faultToHealthyMs, boolean healthyAgain, Long vipHoldersAfter, Boolean oldPrimaryRejoined,
                    Double faultToRejoinMs, List<String> unhealthyAtEnd) {
        this(outageMs, longestGapMs, faultToFirstSuccessMs, faultToFirstWriteMs, faultToHealthyMs, healthyAgain,
                vipHoldersAfter, oldPrimaryRejoined, faultToRejoinMs, unhealthyAtEnd, null, null, null, null, null);
    }
}
