package dev.scaleup.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 8 client threads each send ~200 random transfers between 20 accounts through real HTTP, spread over two app
 * servers, with a new Idempotency-Key per transfer (and the same key for a client's retry). Meanwhile a sampler
 * checks that the total of all balances never changes and none goes negative. Afterwards every acknowledged
 * transfer is stored exactly once, nothing unacknowledged is stored, and every balance adds up.
 */
class TransfersConcurrencyIT {

    static final int ACCOUNTS = 20;
    static final int THREADS = 8;
    static final int TRANSFERS_PER_THREAD = 200;
    static final long TOTAL = ACCOUNTS * TestConfigs.STARTING_BALANCE;

    private static TestDatabase db;
    private static final List<TestHttp> servers = new ArrayList<>();
    private static final List<ApiIT.User> users = new ArrayList<>();

    record Sent(String key, long from, long to, long amount, long transferId) {
    }

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabase.startOrSkip("TransfersConcurrencyIT");
        servers.add(new TestHttp(db.startApp(db.config("conc-1"), new ByteArrayOutputStream()).port()));
        servers.add(new TestHttp(db.startApp(db.config("conc-2"), new ByteArrayOutputStream()).port()));
        for (int i = 0; i < ACCOUNTS; i++) {
            TestHttp http = servers.get(i % 2);
            String email = "user" + i + "@example.com";
            String credentials = ApiIT.credentials(email, "password-" + i);
            TestHttp.Response created = http.json("POST", "/api/users", Map.of(), credentials);
            TestHttp.Response session = http.json("POST", "/api/sessions", Map.of(), credentials);
            assertThat(created.status()).isEqualTo(201);
            assertThat(session.status()).isEqualTo(200);
            users.add(new ApiIT.User(created.number("user_id"), email, created.number("account_id"),
                    session.text("token")));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void randomConcurrentTransfersKeepEveryCentAndStoreEachAcknowledgedTransferOnce() throws Exception {
        Map<String, Sent> acknowledged = new ConcurrentHashMap<>();
        Set<String> timedOut = ConcurrentHashMap.newKeySet();
        AtomicInteger insufficient = new AtomicInteger();
        AtomicInteger clientRetries = new AtomicInteger();
        AtomicInteger replays = new AtomicInteger();
        List<String> unexpected = new CopyOnWriteArrayList<>();
        List<String> samplerFailures = new CopyOnWriteArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger samples = new AtomicInteger();

        Thread sampler = Thread.ofPlatform().name("balance-sampler").start(() -> {
            try (Connection connection = db.superuser(); Statement statement = connection.createStatement()) {
                while (running.get()) {
                    try (ResultSet rs = statement.executeQuery(
                            "SELECT sum(balance_cents), min(balance_cents) FROM accounts")) {
                        rs.next();
                        samples.incrementAndGet();
                        if (rs.getLong(1) != TOTAL || rs.getLong(2) < 0) {
                            samplerFailures.add("sum " + rs.getLong(1) + ", min " + rs.getLong(2));
                        }
                    }
                    Thread.sleep(20);
                }
            } catch (Exception e) {
                samplerFailures.add("sampler failed: " + e);
            }
        });

        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            workers.add(pool.submit(() -> {
                Random random = new Random(1_000 + thread);
                List<TestHttp> clients = List.of(new TestHttp(servers.get(0)), new TestHttp(servers.get(1)));
                go.await();
                for (int i = 0; i < TRANSFERS_PER_THREAD; i++) {
                    ApiIT.User from = users.get(random.nextInt(ACCOUNTS));
                    ApiIT.User to = users.get(random.nextInt(ACCOUNTS));
                    if (to == from) {
                        to = users.get((users.indexOf(from) + 1) % ACCOUNTS);
                    }
                    // mostly small amounts, now and then more than an account may hold
                    long amount = random.nextInt(10) == 0 ? 50_000 + random.nextInt(100_000)
                            : 1 + random.nextInt(20_000);
                    String key = "c" + thread + "-" + i;
                    TestHttp.Response response = null;
                    for (int attempt = 0; attempt < 2 && response == null; attempt++) {
                        try {
                            response = ApiIT.transfer(clients.get(random.nextInt(2)), from, key, to.accountId(),
                                    amount);
                        } catch (UncheckedIOException e) {
                            clientRetries.incrementAndGet(); // e.g. a timeout: retry with the same key
                        }
                    }
                    if (response == null) {
                        timedOut.add(key);
                    } else if (response.status() == 201) {
                        acknowledged.put(key, new Sent(key, from.accountId(), to.accountId(), amount,
                                response.number("transfer_id")));
                        replays.addAndGet(response.header("Idempotent-Replay").isPresent() ? 1 : 0);
                    } else if (response.status() == 422 && "insufficient_funds".equals(response.text("error"))) {
                        insufficient.incrementAndGet();
                    } else {
                        unexpected.add(key + ": " + response.status() + " " + response.raw().body());
                    }
                }
                return null;
            }));
        }
        long start = System.nanoTime();
        go.countDown();
        for (Future<?> worker : workers) {
            worker.get(90, TimeUnit.SECONDS);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        running.set(false);
        sampler.join();
        pool.shutdown();

        int requests = THREADS * TRANSFERS_PER_THREAD;
        System.out.printf(Locale.ROOT, "TransfersConcurrencyIT: %d requests in %.2f s = %.0f requests/s, %d stored"
                        + " = %.0f transfers/s; %d insufficient funds, %d timed out, %d client retries (%d replays),"
                        + " %d balance samples%n", requests, seconds, requests / seconds, acknowledged.size(),
                acknowledged.size() / seconds, insufficient.get(), timedOut.size(), clientRetries.get(),
                replays.get(), samples.get());

        assertThat(unexpected).isEmpty();
        assertThat(samplerFailures).isEmpty();
        assertThat(samples.get()).isPositive();
        assertThat(acknowledged.size() + insufficient.get() + timedOut.size()).isEqualTo(requests);
        assertThat(acknowledged).hasSizeGreaterThan(requests / 2);

        // every acknowledged transfer stored exactly once, as acknowledged; nothing else stored (but timeouts)
        Map<String, Sent> stored = new HashMap<>();
        Map<Long, Long> expected = new HashMap<>();
        users.forEach(u -> expected.put(u.accountId(), TestConfigs.STARTING_BALANCE));
        try (Connection connection = db.superuser(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT idempotency_key, from_account, to_account, amount_cents,"
                     + " id FROM transfers")) {
            while (rs.next()) {
                Sent row = new Sent(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5));
                assertThat(stored.put(row.key() + "/" + row.from(), row)).as("duplicate %s", row).isNull();
                expected.merge(row.from(), -row.amount(), Long::sum);
                expected.merge(row.to(), row.amount(), Long::sum);
            }
        }
        Set<String> storedKeys = new HashSet<>();
        stored.values().forEach(row -> storedKeys.add(row.key()));
        assertThat(storedKeys).hasSize(stored.size());
        for (Sent sent : acknowledged.values()) {
            assertThat(stored.get(sent.key() + "/" + sent.from())).as("stored %s", sent.key()).isEqualTo(sent);
        }
        Set<String> unacknowledged = new HashSet<>(storedKeys);
        unacknowledged.removeAll(acknowledged.keySet());
        assertThat(timedOut).containsAll(unacknowledged);

        Map<Long, Long> actual = new HashMap<>();
        try (Connection connection = db.superuser(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT id, balance_cents FROM accounts")) {
            while (rs.next()) {
                actual.put(rs.getLong(1), rs.getLong(2));
            }
        }
        assertThat(actual).isEqualTo(expected);
        assertThat(actual.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(TOTAL);
        assertThat(actual.values()).allMatch(balance -> balance >= 0);
    }
}
