package dev.scaleup.loadgen;

/**
 * One transfer the load generator asked for, and what it knows of its fate.
 *
 * @param key the Idempotency-Key every attempt of it carried
 * @param transferId the id the server answered with (acknowledged only)
 * @param fate acknowledged (201), rejected (a final 4xx/5xx answer: not applied), or unknown (no final answer: the
 *     server may or may not have applied it; it must be applied at most once)
 * @param sentMicros when the client first sent it, microseconds since the load started
 * @param answeredMicros when its fate was settled (the final answer received, or the client gave up)
 */
public record TransferRecord(String key, String fromAccount, String toAccount, long amountCents, String transferId,
                             Fate fate, long sentMicros, long answeredMicros) {

    public enum Fate { ACKNOWLEDGED, REJECTED, UNKNOWN }
}
