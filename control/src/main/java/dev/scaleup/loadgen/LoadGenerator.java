package dev.scaleup.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs C clients on virtual threads against one base URL, each sending one logical request after the other
 * (closed loop, or paced to a target rate over all clients), a mix of reads and transfers. A client retries like a
 * real one: on no answer or a 502/503/504 it sends the same request again (a transfer with the same
 * Idempotency-Key) on a fresh connection after an exponential backoff, a bounded number of times.
 * The run is bounded by time and by request count and stops by itself.
 *
 * <pre>
 *   var gen = new LoadGenerator(config, users);
 *   gen.start();                       // returns at once; gen.elapsedMicros() is the run's clock
 *   ...                                // inject a fault, watch gen.lastSuccessStartMicros(true)
 *   LoadResult result = gen.await();   // or gen.stop() first to end early
 * </pre>
 */
public final class LoadGenerator {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final LoadConfig config;
    private final List<User> users;
    private final ExecutorService httpExecutor = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicLong budget;
    private final AtomicLong nextSlot = new AtomicLong();
    private final AtomicLong lastSuccessStart = new AtomicLong(-1);
    private final AtomicLong lastWriteSuccessStart = new AtomicLong(-1);
    private final List<Recorder> recorders = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile long startNanos;
    private volatile long deadlineNanos;
    private volatile long hardDeadlineNanos;
    private volatile boolean stopping;
    private volatile long endNanos;
    private LoadResult result;

    public LoadGenerator(LoadConfig config, List<User> users) {
        this.config = config;
        this.users = List.copyOf(users);
        this.budget = new AtomicLong(config.maxRequests());
        if (config.mix().needsUsers() && users.isEmpty()) {
            throw new IllegalArgumentException("the mix " + config.mix() + " needs signed-in users; none given");
        }
        if (config.mix().weights().containsKey(Op.TRANSFER) && users.size() < 2) {
            throw new IllegalArgumentException("transfers need at least 2 users");
        }
    }

    /** Starts the clients and returns at once. */
    public synchronized void start() {
        if (startNanos != 0) {
            throw new IllegalStateException("already started");
        }
        startNanos = System.nanoTime();
        deadlineNanos = startNanos + config.duration().toNanos();
        hardDeadlineNanos = deadlineNanos + config.retryGrace().toNanos();
        nextSlot.set(startNanos);
        for (int i = 0; i < config.clients(); i++) {
            Recorder recorder = new Recorder();
            recorders.add(recorder);
            int client = i;
            threads.add(Thread.ofVirtual().name("loadgen-client-" + i).start(() -> clientLoop(client, recorder)));
        }
    }

    /** Runs to the end and returns the result. */
    public LoadResult run() {
        start();
        return await();
    }

    /** Asks the clients to start no new request; retries of the current ones go on, bounded by the retry grace. */
    public void stop() {
        stopping = true;
        long now = System.nanoTime();
        hardDeadlineNanos = Math.min(hardDeadlineNanos, now + config.retryGrace().toNanos());
    }

    /** Waits until every client has finished; returns the result. */
    public synchronized LoadResult await() {
        if (result != null) {
            return result;
        }
        if (startNanos == 0) {
            throw new IllegalStateException("not started");
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                stop();
                Thread.currentThread().interrupt();
                throw new LoadException("interrupted while waiting for the load to finish");
            }
        }
        endNanos = System.nanoTime();
        httpExecutor.shutdown();
        try {
            httpExecutor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        result = merge(config, users.size(), recorders, (endNanos - startNanos) / 1000);
        return result;
    }

    public boolean finished() {
        return threads.stream().noneMatch(Thread::isAlive);
    }

    /** Microseconds since the run started: the clock of every time in the result. */
    public long elapsedMicros() {
        return (System.nanoTime() - startNanos) / 1000;
    }

    /** When the latest successful attempt (of a write, if asked) began, µs since the start; -1 before any. */
    public long lastSuccessStartMicros(boolean writesOnly) {
        return (writesOnly ? lastWriteSuccessStart : lastSuccessStart).get();
    }

    static LoadResult merge(LoadConfig config, int users, List<Recorder> recorders, long durationMicros) {
        Recorder totals = new Recorder();
        int n = 0;
        for (Recorder r : recorders) {
            n += r.successEnds.size();
        }
        long[][] events = new long[n][];
        int k = 0;
        for (Recorder r : recorders) {
            totals.requests += r.requests;
            totals.attempts += r.attempts;
            totals.successes += r.successes;
            totals.failedRequests += r.failedRequests;
            totals.retries += r.retries;
            totals.http5xx += r.http5xx;
            totals.failedIdempotent += r.failedIdempotent;
            totals.http5xxIdempotent += r.http5xxIdempotent;
            totals.replays += r.replays;
            totals.reconnects += r.reconnects;
            r.errors.forEach((key, v) -> totals.errors.merge(key, v, Long::sum));
            r.ops.forEach((op, c) -> {
                Recorder.OpCounts t = totals.op(op);
                t.requests += c.requests;
                t.attempts += c.attempts;
                t.successes += c.successes;
                t.failed += c.failed;
            });
            totals.latency.add(r.latency);
            totals.transfers.addAll(r.transfers);
            for (int i = 0; i < r.successEnds.size(); i++) {
                events[k++] = new long[] {r.successEnds.get(i), r.successStarts.get(i), r.successWrites.get(i)};
            }
        }
        Arrays.sort(events, (a, b) -> Long.compare(a[0], b[0]));
        long[] ends = new long[n];
        long[] starts = new long[n];
        boolean[] writes = new boolean[n];
        for (int i = 0; i < n; i++) {
            ends[i] = events[i][0];
            starts[i] = events[i][1];
            writes[i] = events[i][2] == 1;
        }
        Timeline.Gap gap = Timeline.longestGap(ends, 0, durationMicros);
        Report report = Report.of(config, users, totals, durationMicros, gap);
        return new LoadResult(report, List.copyOf(totals.transfers), starts, ends, writes, durationMicros);
    }

    private long micros(long nanos) {
        return (nanos - startNanos) / 1000;
    }

    private void clientLoop(int client, Recorder recorder) {
        SplittableRandom random = new SplittableRandom(config.seed() * 31 + client);
        long intervalNanos = config.ratePerSecond() > 0 ? (long) (1e9 / config.ratePerSecond()) : 0;
        long seq = 0;
        try (Agent agent = new Agent(config.connectTimeout(), httpExecutor, config.tls())) {
            while (!stopping && System.nanoTime() < deadlineNanos && budget.getAndDecrement() > 0) {
                if (intervalNanos > 0) {
                    long slot = nextSlot.getAndAdd(intervalNanos);
                    long wait = slot - System.nanoTime();
                    if (slot >= deadlineNanos) {
                        break;
                    }
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    if (stopping) {
                        break;
                    }
                }
                Op op = config.mix().pick(random.nextInt(config.mix().total()));
                logicalRequest(agent, recorder, random, op, client, seq++);
            }
            recorder.reconnects = Math.max(0, agent.connections() - 1);
        }
    }

    private void logicalRequest(Agent agent, Recorder recorder, SplittableRandom random, Op op, int client, long seq) {
        User user = op.needsUser() ? users.get(random.nextInt(users.size())) : null;
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(config.baseUrl() + op.path()))
                .timeout(config.requestTimeout())
                .header("Accept", "application/json");
        if (user != null) {
            builder.header("Authorization", "Bearer " + user.token());
        }
        TransferRecord intent = null;
        if (op == Op.TRANSFER) {
            User to = users.get(random.nextInt(users.size() - 1));
            if (to == user) {
                to = users.get(users.size() - 1);
            }
            long amount = 1 + random.nextInt(config.maxAmountCents());
            String key = config.keyPrefix() + "-" + client + "-" + seq;
            intent = new TransferRecord(key, user.accountId(), to.accountId(), amount, null, null, elapsedMicros(), 0);
            ObjectNode body = JSON.createObjectNode();
            if (to.accountIdIsNumber()) {
                body.put("to_account", Long.parseLong(to.accountId()));
            } else {
                body.put("to_account", to.accountId());
            }
            body.put("amount_cents", amount);
            builder.header("Content-Type", "application/json").header("Idempotency-Key", key)
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        } else if (op == Op.POST) {
            ObjectNode body = JSON.createObjectNode();
            body.put("title", "load " + config.keyPrefix() + "-" + client + "-" + seq);
            body.put("body", "written by the load generator");
            builder.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        } else {
            builder.GET();
        }
        HttpRequest request = builder.build();
        recorder.requests++;
        recorder.op(op).requests++;
        for (int attempt = 1; ; attempt++) {
            if (attempt > 1) {
                Duration backoff = config.backoff(attempt);
                long half = backoff.toNanos() / 2;
                long wait = half + (half > 0 ? random.nextLong(half + 1) : 0);
                if (System.nanoTime() + wait > hardDeadlineNanos) {
                    finalFailure(recorder, op, intent);
                    return;
                }
                LockSupport.parkNanos(wait);
                recorder.retries++;
            }
            Agent.Attempt a = agent.send(request, config.requestTimeout());
            recorder.attempt(op);
            if (a.success()) {
                long start = micros(a.startNanos());
                long end = micros(a.endNanos());
                recorder.success(op, start, end);
                lastSuccessStart.accumulateAndGet(start, Math::max);
                if (op.write()) {
                    lastWriteSuccessStart.accumulateAndGet(start, Math::max);
                }
                if (a.replay()) {
                    recorder.replays++;
                }
                if (intent != null) {
                    recorder.transfers.add(new TransferRecord(intent.key(), intent.fromAccount(), intent.toAccount(),
                            intent.amountCents(), transferId(a.body()), TransferRecord.Fate.ACKNOWLEDGED,
                            intent.sentMicros(), end));
                }
                return;
            }
            recorder.failedAttempt(op, a.outcomeKey(), a.status());
            // a connection that failed, or a proxy that could not answer, is not trusted again: connect afresh
            if (a.error() != null || a.status() >= 500) {
                agent.reset();
            }
            boolean retryable = op.retrySafe() && (a.error() != null || Outcomes.isRetryableStatus(a.status()));
            if (!retryable || attempt >= config.maxAttempts()) {
                if (intent != null && attempt == 1 && a.status() >= 400 && a.status() < 500) {
                    // the server's first and final word: not applied
                    recorder.failedRequest(op);
                    recorder.transfers.add(new TransferRecord(intent.key(), intent.fromAccount(), intent.toAccount(),
                            intent.amountCents(), null, TransferRecord.Fate.REJECTED, intent.sentMicros(),
                            micros(a.endNanos())));
                    return;
                }
                finalFailure(recorder, op, intent);
                return;
            }
        }
    }

    private void finalFailure(Recorder recorder, Op op, TransferRecord intent) {
        recorder.failedRequest(op);
        if (intent != null) {
            recorder.transfers.add(new TransferRecord(intent.key(), intent.fromAccount(), intent.toAccount(),
                    intent.amountCents(), null, TransferRecord.Fate.UNKNOWN, intent.sentMicros(), elapsedMicros()));
        }
    }

    private static String transferId(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            JsonNode id = node.path("transfer_id");
            return id.isMissingNode() || id.isNull() ? null : id.asText();
        } catch (Exception e) {
            return null;
        }
    }
}
