package dev.scaleup.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTest {

    static Recorder recorder(long offsetMicros) {
        Recorder r = new Recorder();
        r.requests = 5;
        r.op(Op.INFO).requests = 3;
        r.op(Op.TRANSFER).requests = 2;
        for (int i = 0; i < 3; i++) {
            r.attempt(Op.INFO);
            r.success(Op.INFO, offsetMicros + i * 1000L, offsetMicros + i * 1000L + 2000);
        }
        r.attempt(Op.TRANSFER);
        r.failedAttempt(Op.TRANSFER, "http_503", 503);
        r.retries++;
        r.attempt(Op.TRANSFER);
        r.success(Op.TRANSFER, offsetMicros + 10_000, offsetMicros + 14_000);
        r.transfers.add(new TransferRecord("k-0-1", "1", "2", 5, "77", TransferRecord.Fate.ACKNOWLEDGED, 0, 1));
        r.attempt(Op.TRANSFER);
        r.failedAttempt(Op.TRANSFER, "connection_refused", -1);
        r.failedRequest(Op.TRANSFER);
        r.transfers.add(new TransferRecord("k-0-2", "1", "2", 5, null, TransferRecord.Fate.UNKNOWN, 0, 1));
        return r;
    }

    @Test
    void mergingSumsTheClientsAndSortsTheTimeline() {
        LoadConfig config = LoadConfig.defaults(URI.create("http://198.19.1.100"));
        LoadResult result = LoadGenerator.merge(config, 20, List.of(recorder(1_000_000), recorder(0)), 2_000_000);
        Report report = result.report();
        assertThat(report.requests()).isEqualTo(10);
        assertThat(report.attempts()).isEqualTo(12);
        assertThat(report.successes()).isEqualTo(8);
        assertThat(report.failedRequests()).isEqualTo(2);
        assertThat(report.failedIdempotentRequests()).isZero();
        assertThat(report.retries()).isEqualTo(2);
        assertThat(report.errors()).containsEntry("http_503", 2L).containsEntry("connection_refused", 2L);
        assertThat(report.errorCount()).isEqualTo(4);
        assertThat(report.http5xx()).isEqualTo(2);
        assertThat(report.http5xxIdempotent()).isZero();
        assertThat(report.transfers()).isEqualTo(new Report.Transfers(1 * 2, 1 * 2, 0, 0));
        assertThat(report.operations().get("info")).isEqualTo(new Report.OpStats(6, 6, 6, 0));
        assertThat(report.successesPerSecond()).isEqualTo(4.0);
        assertThat(report.latencyMs().count()).isEqualTo(8);
        assertThat(report.latencyMs().p50()).isBetween(1.99, 2.01);
        assertThat(report.latencyMs().max()).isBetween(3.99, 4.01);
        assertThat(result.successEnds()).isSorted();
        // from the last success of the first client (14 ms) to the first of the second (1.002 s)
        assertThat(report.longestGapMs()).isEqualTo(988.0);
        assertThat(report.longestGapFromS()).isEqualTo(0.014);
        assertThat(result.firstSuccessAfter(500_000, true)).hasValue(1_014_000 - 500_000);
        assertThat(result.transfers(TransferRecord.Fate.UNKNOWN)).hasSize(2);
    }

    @Test
    void theJsonUsesSnakeCaseAndTheSummaryNamesTheNumbers() throws Exception {
        LoadConfig config = LoadConfig.defaults(URI.create("http://198.19.1.100"));
        Report report = LoadGenerator.merge(config, 20, List.of(recorder(0)), 1_000_000).report();
        JsonNode json = Json.MAPPER.readTree(report.toJson());
        assertThat(json.path("failed_requests").asLong()).isEqualTo(1);
        assertThat(json.path("latency_ms").path("p99").asDouble()).isGreaterThan(0);
        assertThat(json.path("errors").path("http_503").asLong()).isEqualTo(1);
        assertThat(json.path("transfers").path("unknown").asLong()).isEqualTo(1);
        assertThat(json.path("longest_gap_ms").asDouble()).isEqualTo(986.0);
        assertThat(json.has("error_count")).isFalse();
        assertThat(report.summary())
                .contains("5 requests, 6 attempts, 1 retries; 4 succeeded, 1 failed")
                .contains("errors: connection_refused 1, http_503 1")
                .contains("longest time without a success: 986 ms")
                .contains("transfers: 1 acknowledged, 1 unknown outcome, 0 rejected");
    }
}
