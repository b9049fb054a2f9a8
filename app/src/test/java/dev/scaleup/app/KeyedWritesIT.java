package dev.scaleup.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every write that takes an {@code Idempotency-Key} (posts, visits, sign-ups; transfers are in {@link ApiIT}) against
 * a real PostgreSQL 15, over real HTTP, with two app servers. A proxy in front of the first one passes each request on
 * and drops the answer after the app committed; the client then sends the same request again to the second server,
 * as nginx and HAProxy do with a keyed request, and must get the first answer while the row exists once.
 */
class KeyedWritesIT {

    private static final String PASSWORD = "correct horse battery";
    private static TestDatabase db;
    private static AnswerDroppingProxy proxy;
    private static TestHttp viaProxy;
    private static TestHttp http;
    private static TestHttp http2;
    private static String aliceToken;
    private static String bobToken;

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabase.startOrSkip("KeyedWritesIT");
        int first = db.startApp(db.config("keyed-1"), new ByteArrayOutputStream()).port();
        http = new TestHttp(first);
        http2 = new TestHttp(db.startApp(db.config("keyed-2"), new ByteArrayOutputStream()).port());
        proxy = new AnswerDroppingProxy(first);
        viaProxy = new TestHttp(proxy.port());
        aliceToken = signUpAndLogIn("alice@example.com");
        bobToken = signUpAndLogIn("bob@example.com");
    }

    @AfterAll
    static void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (db != null) {
            db.close();
        }
    }

    static String signUpAndLogIn(String email) {
        assertThat(http.json("POST", "/api/users", Map.of(), ApiIT.credentials(email, PASSWORD)).status())
                .isEqualTo(201);
        return http.json("POST", "/api/sessions", Map.of(), ApiIT.credentials(email, PASSWORD)).text("token");
    }

    static Map<String, String> headers(String token, String key) {
        Map<String, String> headers = new HashMap<>();
        if (token != null) {
            headers.put("Authorization", "Bearer " + token);
        }
        headers.put("Idempotency-Key", key);
        return headers;
    }

    static String post(String title, String body) {
        return "{\"title\":" + ApiIT.quote(title) + ",\"body\":" + ApiIT.quote(body) + "}";
    }

    /** Sends through the proxy: the app commits and answers, the client gets no answer. */
    static void answerLost(String method, String path, Map<String, String> headers, String body) {
        int before = proxy.swallowed().size();
        assertThatThrownBy(() -> viaProxy.json(method, path, headers, body)).isInstanceOf(UncheckedIOException.class);
        assertThat(proxy.swallowed()).hasSize(before + 1);
        assertThat(proxy.swallowed().getLast()).isEqualTo("HTTP/1.1 201 Created");
    }

    @Test
    void aPostWhoseAnswerWasLostExistsOnceAndTheRetryGetsTheFirstAnswer() throws Exception {
        String key = "post-" + UUID.randomUUID();
        Map<String, String> headers = headers(aliceToken, key);

        answerLost("POST", "/api/posts", headers, post("lost answer", key));
        TestHttp.Response retry = http2.json("POST", "/api/posts", headers, post("lost answer", key));
        TestHttp.Response again = http.json("POST", "/api/posts", headers, post("lost answer", key));

        assertThat(retry.status()).as(retry.raw().body()).isEqualTo(201);
        assertThat(retry.header("Idempotent-Replay")).contains("true");
        assertThat(retry.header("Set-Cookie")).get().asString().startsWith("su_lw=");
        assertThat(retry.text("body")).isEqualTo(key);
        assertThat(again.raw().body()).isEqualTo(retry.raw().body());
        assertThat(db.count("SELECT count(*) FROM posts WHERE body = '" + key + "'")).isEqualTo(1);
        assertThat(retry.number("post_id")).isEqualTo(db.count("SELECT id FROM posts WHERE body = '" + key + "'"));
    }

    @Test
    void aSignUpWhoseAnswerWasLostExistsOnceAndTheRetryGetsTheFirstAnswer() throws Exception {
        String email = "lost-" + UUID.randomUUID() + "@example.com";
        String key = "signup-" + UUID.randomUUID();

        answerLost("POST", "/api/users", headers(null, key), ApiIT.credentials(email, PASSWORD));
        TestHttp.Response retry = http2.json("POST", "/api/users", headers(null, key),
                ApiIT.credentials(email, PASSWORD));
        TestHttp.Response withoutKey = http2.json("POST", "/api/users", Map.of(), ApiIT.credentials(email, PASSWORD));

        assertThat(retry.status()).as(retry.raw().body()).isEqualTo(201);
        assertThat(retry.header("Idempotent-Replay")).contains("true");
        assertThat(retry.text("email")).isEqualTo(email);
        assertThat(retry.number("user_id")).isEqualTo(db.count("SELECT id FROM users WHERE email = '" + email + "'"));
        assertThat(db.count("SELECT count(*) FROM users WHERE email = '" + email + "'")).isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM accounts WHERE user_id = " + retry.number("user_id"))).isEqualTo(1);
        // without the key it is a new sign-up, refused as before
        assertThat(withoutKey.status()).isEqualTo(409);
        assertThat(withoutKey.text("error")).isEqualTo("email_taken");
        assertThat(http.json("POST", "/api/sessions", Map.of(), ApiIT.credentials(email, PASSWORD)).status())
                .isEqualTo(200);
    }

    @Test
    void aVisitWhoseAnswerWasLostExistsOnceAndTheRetryGetsTheFirstAnswer() throws Exception {
        String key = "visit-" + UUID.randomUUID();
        long before = db.count("SELECT count(*) FROM visits");

        answerLost("POST", "/api/visits", headers(null, key), "");
        TestHttp.Response retry = http2.json("POST", "/api/visits", headers(null, key), "");

        assertThat(retry.status()).as(retry.raw().body()).isEqualTo(201);
        assertThat(retry.header("Idempotent-Replay")).contains("true");
        assertThat(retry.text("app_host")).as("the server that wrote it").isEqualTo("keyed-1");
        assertThat(db.count("SELECT count(*) FROM visits")).isEqualTo(before + 1);
        assertThat(retry.number("id")).isEqualTo(db.count("SELECT max(id) FROM visits"));
    }

    @Test
    void theSameKeyWithAnotherRequestIs422AndWritesNothing() throws Exception {
        String key = "reuse-" + UUID.randomUUID();
        String email = "reuse-" + UUID.randomUUID() + "@example.com";
        assertThat(http.json("POST", "/api/posts", headers(aliceToken, key), post("t", "first")).status())
                .isEqualTo(201);
        assertThat(http.json("POST", "/api/users", headers(null, key), ApiIT.credentials(email, PASSWORD))
                .status()).isEqualTo(201);
        String before = counts();

        List<TestHttp.Response> reused = List.of(
                http.json("POST", "/api/posts", headers(aliceToken, key), post("t", "second")),
                http2.json("POST", "/api/users", headers(null, key), ApiIT.credentials("other-" + email, PASSWORD)),
                // the same email with another password must not be told that its sign-up worked
                http2.json("POST", "/api/users", headers(null, key), ApiIT.credentials(email, "another password")),
                http.json("POST", "/api/visits", headers(null, key), ""));

        for (TestHttp.Response response : reused) {
            assertThat(response.status()).as(response.raw().body()).isEqualTo(422);
            assertThat(response.text("error")).isEqualTo("idempotency_key_reused");
            assertThat(response.text("message")).isNotBlank();
        }
        assertThat(counts()).isEqualTo(before);
    }

    @Test
    void keysBelongToTheUserWhoSentThem() throws Exception {
        String key = "shared-" + UUID.randomUUID();

        TestHttp.Response fromAlice = http.json("POST", "/api/posts", headers(aliceToken, key), post("t", key));
        TestHttp.Response fromBob = http.json("POST", "/api/posts", headers(bobToken, key), post("t", key));

        assertThat(fromAlice.status()).isEqualTo(201);
        assertThat(fromBob.status()).isEqualTo(201);
        assertThat(fromBob.header("Idempotent-Replay")).isEmpty();
        assertThat(db.count("SELECT count(*) FROM posts WHERE body = '" + key + "'")).isEqualTo(2);
    }

    @Test
    void racingCopiesWithTheSameKeyWriteOncePerKey() throws Exception {
        int keys = 5;
        int racers = 4;
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            for (int k = 0; k < keys; k++) {
                String key = "race-" + k + "-" + UUID.randomUUID();
                CountDownLatch go = new CountDownLatch(1);
                List<Future<TestHttp.Response>> responses = new ArrayList<>();
                for (int r = 0; r < racers; r++) {
                    TestHttp client = r % 2 == 0 ? http : http2;
                    responses.add(pool.submit(() -> {
                        go.await();
                        return client.json("POST", "/api/posts", headers(aliceToken, key), post("race", key));
                    }));
                }
                go.countDown();
                Set<String> bodies = new HashSet<>();
                int replays = 0;
                for (Future<TestHttp.Response> f : responses) {
                    TestHttp.Response response = f.get();
                    assertThat(response.status()).as(response.raw().body()).isEqualTo(201);
                    bodies.add(response.raw().body());
                    replays += response.header("Idempotent-Replay").isPresent() ? 1 : 0;
                }
                assertThat(bodies).hasSize(1);
                assertThat(replays).isEqualTo(racers - 1);
                assertThat(db.count("SELECT count(*) FROM posts WHERE body = '" + key + "'")).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRefusedWriteStoresNoAnswerSoTheKeyStaysUsable() throws Exception {
        String key = "refused-" + UUID.randomUUID();
        String taken = "alice@example.com";

        TestHttp.Response refused = http.json("POST", "/api/users", headers(null, key), ApiIT.credentials(taken,
                PASSWORD));

        assertThat(refused.status()).isEqualTo(409);
        assertThat(db.count("SELECT count(*) FROM idempotency_keys WHERE idempotency_key = '" + key + "'")).isZero();
    }

    @Test
    void writesWithoutAKeyAreWrittenEachTime() throws Exception {
        String body = "unkeyed-" + UUID.randomUUID();

        TestHttp.Response first = http.json("POST", "/api/posts", Map.of("Authorization", "Bearer " + aliceToken),
                post("t", body));
        TestHttp.Response second = http.json("POST", "/api/posts", Map.of("Authorization", "Bearer " + aliceToken),
                post("t", body));

        assertThat(first.status()).isEqualTo(201);
        assertThat(second.status()).isEqualTo(201);
        assertThat(second.header("Idempotent-Replay")).isEmpty();
        assertThat(db.count("SELECT count(*) FROM posts WHERE body = '" + body + "'")).isEqualTo(2);
    }

    @Test
    void aMalformedKeyIs400() {
        for (String path : List.of("/api/posts", "/api/visits", "/api/users")) {
            TestHttp.Response response = http.json("POST", path, headers(aliceToken, "a.b"), post("t", "b"));

            assertThat(response.status()).as(path).isEqualTo(400);
            assertThat(response.text("error")).isEqualTo("invalid_idempotency_key");
        }
    }

    private static String counts() throws Exception {
        return db.query("SELECT (SELECT count(*) FROM users) || '/' || (SELECT count(*) FROM accounts) || '/'"
                + " || (SELECT count(*) FROM posts) || '/' || (SELECT count(*) FROM visits) || '/'"
                + " || (SELECT count(*) FROM idempotency_keys)");
    }
}
