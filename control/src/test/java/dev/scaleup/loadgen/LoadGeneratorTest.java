package dev.scaleup.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The client's behaviour when nobody answers, against real sockets on loopback (no fake app): a port nobody
 * listens on (connection refused) and a socket that accepts but never answers (a black hole).
 */
class LoadGeneratorTest {

    static final List<User> USERS = List.of(new User("a@x.test", "1", "1", true, "t1"),
            new User("b@x.test", "2", "2", true, "t2"));

    /** A loopback port nobody listens on (it was bound a moment ago, then closed): connections are refused. */
    static int closedPort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void refusedConnectionsAreRetriedABoundedNumberOfTimesAndTransfersEndUnknown() throws Exception {
        int port = closedPort();
        LoadConfig config = LoadConfig.defaults(URI.create("http://127.0.0.1:" + port)).withClients(2)
                .withMaxRequests(20).withMaxAttempts(3).withDuration(Duration.ofSeconds(20));
        long start = System.nanoTime();
        LoadResult result = new LoadGenerator(config, USERS).run();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        Report r = result.report();
        assertThat(r.requests()).isEqualTo(20);
        assertThat(r.attempts()).isEqualTo(60);
        assertThat(r.retries()).isEqualTo(40);
        assertThat(r.successes()).isZero();
        assertThat(r.failedRequests()).isEqualTo(20);
        assertThat(r.errors()).containsOnlyKeys("connection_refused").containsEntry("connection_refused", 60L);
        long transfers = r.operations().getOrDefault("transfer", new Report.OpStats(0, 0, 0, 0)).requests();
        assertThat(result.transfers(TransferRecord.Fate.UNKNOWN)).hasSize((int) transfers);
        assertThat(result.transfers()).allSatisfy(t -> assertThat(t.key()).startsWith(config.keyPrefix() + "-"));
        assertThat(r.longestGapMs()).isEqualTo(r.seconds() * 1000, org.assertj.core.data.Offset.offset(1.0));
    }

    @Test
    void aWriteWithoutAKeyIsNeverSentTwiceButATransferIs() throws Exception {
        int port = closedPort();
        for (Op op : List.of(Op.POST, Op.TRANSFER)) {
            LoadConfig config = LoadConfig.defaults(URI.create("http://127.0.0.1:" + port)).withClients(1)
                    .withMaxRequests(5).withMaxAttempts(3).withMix(Mix.only(op)).withDuration(Duration.ofSeconds(20));
            Report r = new LoadGenerator(config, USERS).run().report();
            assertThat(r.requests()).as(op.label()).isEqualTo(5);
            assertThat(r.failedRequests()).as(op.label()).isEqualTo(5);
            assertThat(r.attempts()).as(op.label() + ": attempts").isEqualTo(op == Op.POST ? 5 : 15);
            assertThat(r.retries()).as(op.label() + ": retries").isEqualTo(op == Op.POST ? 0 : 10);
        }
    }

    @Test
    void aBlackHoleCostsTheRequestTimeoutNotForever() throws Exception {
        try (ServerSocket hole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // accepted by the kernel, never read, never answered
            LoadConfig config = LoadConfig.defaults(URI.create("http://127.0.0.1:" + hole.getLocalPort()))
                    .withClients(2).withMaxAttempts(2).withDuration(Duration.ofMillis(500))
                    .withTimeouts(Duration.ofMillis(300), Duration.ofMillis(300)).withRetryGrace(Duration.ofSeconds(2));
            long start = System.nanoTime();
            LoadResult result = new LoadGenerator(config, USERS).run();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
            Report r = result.report();
            assertThat(r.requests()).isBetween(2L, 4L);
            assertThat(r.errors()).containsOnlyKeys("timeout");
            assertThat(r.failedRequests()).isEqualTo(r.requests());
        }
    }

    @Test
    void stopEndsTheRunEarly() throws Exception {
        int port = closedPort();
        LoadConfig config = LoadConfig.defaults(URI.create("http://127.0.0.1:" + port)).withClients(2)
                .withMaxAttempts(1).withDuration(Duration.ofSeconds(30)).withMix(Mix.only(Op.STATIC));
        LoadGenerator load = new LoadGenerator(config, List.of());
        load.start();
        Thread.sleep(300);
        load.stop();
        LoadResult result = load.await();
        assertThat(result.report().seconds()).isLessThan(5);
        assertThat(result.report().requests()).isPositive();
    }
}
