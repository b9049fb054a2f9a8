package dev.scaleup.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scaleup.app.auth.Tokens;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The application API against a real PostgreSQL 15 over real HTTP, with two app servers sharing the database and
 * the token key: every route, every kind of bad input, idempotent transfers, read routing and metrics. The last
 * tests break the database connections and then stop the database.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApiIT {

    private static final String PASSWORD = "correct horse battery";
    private static TestDatabase db;
    private static final ByteArrayOutputStream OUT = new ByteArrayOutputStream();
    private static TestHttp http;
    private static TestHttp http2;
    private static User alice;
    private static User bob;

    record User(long userId, String email, long accountId, String token) {
    }

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabase.startOrSkip("ApiIT");
        http = new TestHttp(db.startApp(db.config("api-1"), OUT).port());
        http2 = new TestHttp(db.startApp(db.config("api-2"), new ByteArrayOutputStream()).port());
        alice = signUpAndLogIn("alice@example.com");
        bob = signUpAndLogIn("bob@example.com");
    }

    @AfterAll
    static void stop() throws Exception {
        if (db != null) {
            db.close();
        }
    }

    // ---------------------------------------------------------------- helpers

    static User signUpAndLogIn(String email) {
        TestHttp.Response created = http.json("POST", "/api/users", Map.of(), credentials(email, PASSWORD));
        assertThat(created.status()).as("sign-up: %s", created.raw().body()).isEqualTo(201);
        TestHttp.Response session = http.json("POST", "/api/sessions", Map.of(), credentials(email, PASSWORD));
        assertThat(session.status()).as("login: %s", session.raw().body()).isEqualTo(200);
        return new User(created.number("user_id"), created.text("email"), created.number("account_id"),
                session.text("token"));
    }

    static String credentials(String email, String password) {
        return "{\"email\":" + quote(email) + ",\"password\":" + quote(password) + "}";
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static Map<String, String> auth(User user) {
        return Map.of("Authorization", "Bearer " + user.token());
    }

    static Map<String, String> transferHeaders(User user, String key) {
        Map<String, String> headers = new HashMap<>(auth(user));
        headers.put("Idempotency-Key", key);
        return headers;
    }

    static TestHttp.Response transfer(TestHttp client, User from, String key, long to, long amount) {
        return client.json("POST", "/api/transfers", transferHeaders(from, key),
                "{\"to_account\":" + to + ",\"amount_cents\":" + amount + "}");
    }

    static long balance(User user) throws Exception {
        return db.count("SELECT balance_cents FROM accounts WHERE id = " + user.accountId());
    }

    /** Everything a bad request must leave as it was. */
    static String fingerprint() throws Exception {
        return db.query("SELECT (SELECT count(*) FROM users) || '/' || (SELECT count(*) FROM transfers) || '/'"
                + " || (SELECT count(*) FROM posts) || '/' || (SELECT count(*) FROM visits) || '/'"
                + " || (SELECT string_agg(id || '=' || balance_cents, ',' ORDER BY id) FROM accounts)");
    }

    // ---------------------------------------------------------------- users and sessions

    @Test
    @Order(1)
    void signUpStoresASlowSaltedHashAndAnAccountWithTheStartingBalance() throws Exception {
        TestHttp.Response created = http.json("POST", "/api/users", Map.of(),
                credentials("  Carol.Mixed@Example.COM ", "s3cret-password"));

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.text("email")).isEqualTo("carol.mixed@example.com");
        assertThat(created.number("user_id")).isPositive();
        assertThat(created.number("account_id")).isPositive();
        assertThat(created.json().size()).isEqualTo(3);
        assertThat(created.header("Set-Cookie")).get().asString()
                .matches("su_lw=[0-9]{13}; Path=/; HttpOnly; SameSite=Lax; Max-Age=10");
        String hash = db.query("SELECT password_hash FROM users WHERE id = " + created.number("user_id"));
        assertThat(hash).matches("pbkdf2-sha256\\$1000\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
        assertThat(db.query("SELECT password_hash FROM users WHERE email = 'alice@example.com'"))
                .isNotEqualTo(db.query("SELECT password_hash FROM users WHERE email = 'bob@example.com'"));
        assertThat(db.count("SELECT balance_cents FROM accounts WHERE id = " + created.number("account_id")))
                .isEqualTo(TestConfigs.STARTING_BALANCE);
        assertThat(OUT.toString(StandardCharsets.UTF_8)).doesNotContain("s3cret-password").doesNotContain(PASSWORD);
    }

    @Test
    @Order(2)
    void duplicateEmailIs409AnyCase() throws Exception {
        String before = fingerprint();

        TestHttp.Response again = http.json("POST", "/api/users", Map.of(),
                credentials("ALICE@example.com", "another-password"));

        assertThat(again.status()).isEqualTo(409);
        assertThat(again.text("error")).isEqualTo("email_taken");
        assertThat(fingerprint()).isEqualTo(before);
    }

    @Test
    @Order(3)
    void loginGivesATokenForAnHour() {
        TestHttp.Response session = http.json("POST", "/api/sessions", Map.of(),
                credentials(" Alice@Example.com", PASSWORD));

        assertThat(session.status()).isEqualTo(200);
        assertThat(session.number("user_id")).isEqualTo(alice.userId());
        assertThat(session.text("token")).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{43}");
        assertThat(Instant.parse(session.text("expires_at")))
                .isCloseTo(Instant.now().plus(1, ChronoUnit.HOURS), within(1, ChronoUnit.MINUTES));
        assertThat(session.header("Cache-Control")).contains("no-store");
    }

    @Test
    @Order(4)
    void wrongPasswordAndUnknownEmailGetTheSame401() {
        TestHttp.Response wrong = http.json("POST", "/api/sessions", Map.of(),
                credentials("alice@example.com", "not the password"));
        TestHttp.Response unknown = http.json("POST", "/api/sessions", Map.of(),
                credentials("nobody@example.com", PASSWORD));

        assertThat(wrong.status()).isEqualTo(401);
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(wrong.raw().body()).isEqualTo(unknown.raw().body())
                .isEqualTo("{\"error\":\"invalid_credentials\",\"message\":\"wrong email or password\"}");
    }

    @Test
    @Order(5)
    void myAccountShowsTheBalance() {
        TestHttp.Response me = http.json("GET", "/api/accounts/me", auth(alice), "");

        assertThat(me.status()).isEqualTo(200);
        assertThat(me.number("account_id")).isEqualTo(alice.accountId());
        assertThat(me.number("balance_cents")).isEqualTo(TestConfigs.STARTING_BALANCE);
    }

    @Test
    @Order(6)
    void aTokenFromOneServerWorksOnTheOther() {
        TestHttp.Response session = http2.json("POST", "/api/sessions", Map.of(),
                credentials("bob@example.com", PASSWORD));
        User bobOn2 = new User(bob.userId(), bob.email(), bob.accountId(), session.text("token"));

        TestHttp.Response onFirst = http.json("GET", "/api/accounts/me", auth(bobOn2), "");
        TestHttp.Response aliceOnSecond = http2.json("GET", "/api/accounts/me", auth(alice), "");

        assertThat(onFirst.status()).isEqualTo(200);
        assertThat(onFirst.number("account_id")).isEqualTo(bob.accountId());
        assertThat(onFirst.header("X-Served-By-App")).contains("api-1");
        assertThat(aliceOnSecond.status()).isEqualTo(200);
        assertThat(aliceOnSecond.number("account_id")).isEqualTo(alice.accountId());
        assertThat(aliceOnSecond.header("X-Served-By-App")).contains("api-2");
    }

    // ---------------------------------------------------------------- transfers

    @Test
    @Order(10)
    void aTransferMovesMoneyOnceAndARetryWithTheSameKeyReplaysIt() throws Exception {
        long aliceBefore = balance(alice);
        long bobBefore = balance(bob);
        String key = "k-" + UUID.randomUUID();

        TestHttp.Response first = transfer(http, alice, key, bob.accountId(), 1_234);
        TestHttp.Response retry = transfer(http2, alice, key, bob.accountId(), 1_234);

        assertThat(first.status()).as(first.raw().body()).isEqualTo(201);
        assertThat(first.number("from_account")).isEqualTo(alice.accountId());
        assertThat(first.number("to_account")).isEqualTo(bob.accountId());
        assertThat(first.number("amount_cents")).isEqualTo(1_234);
        assertThat(first.number("balance_cents")).isEqualTo(aliceBefore - 1_234);
        assertThat(first.text("idempotency_key")).isEqualTo(key);
        assertThat(Instant.parse(first.text("created_at"))).isCloseTo(Instant.now(), within(1, ChronoUnit.MINUTES));
        assertThat(first.header("Idempotent-Replay")).isEmpty();
        assertThat(first.header("Set-Cookie")).get().asString().startsWith("su_lw=");
        assertThat(retry.status()).isEqualTo(201);
        assertThat(retry.raw().body()).isEqualTo(first.raw().body());
        assertThat(retry.header("Idempotent-Replay")).contains("true");
        assertThat(db.count("SELECT count(*) FROM transfers WHERE idempotency_key = '" + key + "'")).isEqualTo(1);
        assertThat(balance(alice)).isEqualTo(aliceBefore - 1_234);
        assertThat(balance(bob)).isEqualTo(bobBefore + 1_234);
    }

    @Test
    @Order(11)
    void theSameKeyWithAnotherBodyIs422AndChangesNothing() throws Exception {
        String key = "reuse-" + UUID.randomUUID();
        assertThat(transfer(http, alice, key, bob.accountId(), 10).status()).isEqualTo(201);
        String before = fingerprint();

        TestHttp.Response otherAmount = transfer(http, alice, key, bob.accountId(), 11);

        assertThat(otherAmount.status()).isEqualTo(422);
        assertThat(otherAmount.text("error")).isEqualTo("idempotency_key_reused");
        assertThat(fingerprint()).isEqualTo(before);
    }

    @Test
    @Order(12)
    void keysBelongToTheSender() throws Exception {
        String key = "shared-" + UUID.randomUUID();

        TestHttp.Response fromAlice = transfer(http, alice, key, bob.accountId(), 5);
        TestHttp.Response fromBob = transfer(http, bob, key, alice.accountId(), 7);

        assertThat(fromAlice.status()).isEqualTo(201);
        assertThat(fromBob.status()).isEqualTo(201);
        assertThat(fromBob.header("Idempotent-Replay")).isEmpty();
        assertThat(db.count("SELECT count(*) FROM transfers WHERE idempotency_key = '" + key + "'")).isEqualTo(2);
    }

    @Test
    @Order(13)
    void racingDuplicatesWithTheSameKeyStoreExactlyOneTransfer() throws Exception {
        int keys = 10;
        int racers = 4;
        long aliceBefore = balance(alice);
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
                        return transfer(client, alice, key, bob.accountId(), 100);
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
                assertThat(db.count("SELECT count(*) FROM transfers WHERE idempotency_key = '" + key + "'"))
                        .isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(balance(alice)).isEqualTo(aliceBefore - keys * 100L);
    }

    @Test
    @Order(14)
    void theUniqueConstraintIsTheLastGuardAgainstASecondTransfer() throws Exception {
        String key = "guard-" + UUID.randomUUID();
        long aliceBefore = balance(alice);
        try (Connection other = db.superuser(); Statement sql = other.createStatement()) {
            // another writer holds an uncommitted transfer with the same key (FK checks off, so it locks no
            // account): the request passes both key checks and then waits on the unique index
            other.setAutoCommit(false);
            sql.execute("SET LOCAL session_replication_role = replica");
            sql.execute("INSERT INTO transfers (from_account, to_account, amount_cents, idempotency_key,"
                    + " request_hash, from_balance_after_cents) VALUES (" + alice.accountId() + ", "
                    + bob.accountId() + ", 77, '" + key + "', encode(sha256('to=" + bob.accountId()
                    + ";amount_cents=77'), 'hex'), 12345)");
            CompletableFuture<TestHttp.Response> request = CompletableFuture.supplyAsync(
                    () -> transfer(http, alice, key, bob.accountId(), 77));
            Thread.sleep(500);
            assertThat(request).isNotDone();
            other.commit();

            TestHttp.Response response = request.get();

            assertThat(response.status()).as(response.raw().body()).isEqualTo(201);
            assertThat(response.header("Idempotent-Replay")).contains("true");
            assertThat(response.number("balance_cents")).isEqualTo(12345);
        }
        assertThat(balance(alice)).isEqualTo(aliceBefore);
        assertThat(db.count("SELECT count(*) FROM transfers WHERE idempotency_key = '" + key + "'")).isEqualTo(1);
    }

    @Test
    @Order(15)
    void transfersAreListedNewestFirstForSenderAndRecipientWithPages() {
        User dave = signUpAndLogIn("dave@example.com");
        List<Long> ids = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            ids.add(transfer(http, dave, "list-" + i, bob.accountId(), i).number("transfer_id"));
        }
        ids.add(transfer(http, bob, "to-dave-" + UUID.randomUUID(), dave.accountId(), 50).number("transfer_id"));

        TestHttp.Response all = http.json("GET", "/api/transfers", auth(dave), "");
        TestHttp.Response page1 = http.json("GET", "/api/transfers?limit=3", auth(dave), "");
        TestHttp.Response page2 = http.json("GET", "/api/transfers?limit=3&before=" + page1.number("next_before"),
                auth(dave), "");

        assertThat(all.status()).isEqualTo(200);
        assertThat(idsOf(all, "transfers")).containsExactly(ids.get(3), ids.get(2), ids.get(1), ids.get(0));
        assertThat(all.json().get("next_before").isNull()).isTrue();
        JsonNode received = all.json().get("transfers").get(0);
        assertThat(received.get("direction").asText()).isEqualTo("received");
        assertThat(received.get("amount_cents").asLong()).isEqualTo(50);
        assertThat(received.get("from_account").asLong()).isEqualTo(bob.accountId());
        assertThat(all.json().get("transfers").get(1).get("direction").asText()).isEqualTo("sent");
        assertThat(idsOf(page1, "transfers")).containsExactly(ids.get(3), ids.get(2), ids.get(1));
        assertThat(page1.number("next_before")).isEqualTo(ids.get(1));
        assertThat(idsOf(page2, "transfers")).containsExactly(ids.get(0));
        assertThat(page2.json().get("next_before").isNull()).isTrue();
    }

    static List<Long> idsOf(TestHttp.Response response, String list) {
        List<Long> ids = new ArrayList<>();
        String idField = list.equals("posts") ? "post_id" : "transfer_id";
        response.json().get(list).forEach(item -> ids.add(item.get(idField).asLong()));
        return ids;
    }

    // ---------------------------------------------------------------- posts and read routing

    @Test
    @Order(20)
    void postsAreCreatedAndReadBackFromThePrimaryRightAfterTheWrite() {
        TestHttp.Response created = http.json("POST", "/api/posts", auth(alice),
                "{\"title\":\"  Hello  \",\"body\":\"first line\\nsecond line ✓\"}");
        long id = created.number("post_id");
        String cookie = created.header("Set-Cookie").orElseThrow().split(";")[0];

        TestHttp.Response fresh = http2.call("GET", "/api/posts/" + id, Map.of("Cookie", "theme=dark; " + cookie),
                HttpRequest.BodyPublishers.noBody());
        TestHttp.Response stale = http2.get("/api/posts/" + id);
        TestHttp.Response old = http2.call("GET", "/api/posts/" + id,
                Map.of("Cookie", "su_lw=" + (System.currentTimeMillis() - 6_000)), HttpRequest.BodyPublishers.noBody());
        TestHttp.Response garbage = http2.call("GET", "/api/posts/" + id, Map.of("Cookie", "su_lw=yesterday"),
                HttpRequest.BodyPublishers.noBody());

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.text("title")).isEqualTo("Hello");
        assertThat(created.text("body")).isEqualTo("first line\nsecond line ✓");
        assertThat(created.number("user_id")).isEqualTo(alice.userId());
        assertThat(fresh.status()).isEqualTo(200);
        assertThat(fresh.raw().body()).isEqualTo(created.raw().body());
        assertThat(fresh.header("X-Db-Pool")).contains("primary");
        assertThat(stale.status()).isEqualTo(200);
        assertThat(stale.header("X-Db-Pool")).contains("replica");
        assertThat(old.header("X-Db-Pool")).contains("replica");
        assertThat(garbage.header("X-Db-Pool")).contains("replica");
    }

    @Test
    @Order(21)
    void theFeedIsNewestFirstAndPaginated() {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(http.json("POST", "/api/posts", auth(bob), "{\"title\":\"t" + i + "\",\"body\":\"b\"}")
                    .number("post_id"));
        }

        TestHttp.Response page1 = http.get("/api/posts?limit=2");
        TestHttp.Response page2 = http.get("/api/posts?limit=2&before=" + page1.number("next_before"));
        TestHttp.Response all = http.get("/api/posts");

        assertThat(idsOf(page1, "posts")).containsExactly(ids.get(4), ids.get(3));
        assertThat(idsOf(page2, "posts")).containsExactly(ids.get(2), ids.get(1));
        assertThat(idsOf(all, "posts")).startsWith(ids.get(4), ids.get(3), ids.get(2), ids.get(1), ids.get(0));
        assertThat(all.json().get("next_before").isNull()).isTrue();
        assertThat(http.get("/api/posts/" + Long.MAX_VALUE).status()).isEqualTo(404);
        assertThat(http.get("/api/posts/" + Long.MAX_VALUE).text("error")).isEqualTo("not_found");
    }

    // ---------------------------------------------------------------- hostile input stored literally

    @Test
    @Order(30)
    void sqlInjectionIsStoredLiterallyNeverExecuted() throws Exception {
        String email = "a'; drop table users;--@x.y";
        TestHttp.Response created = http.json("POST", "/api/users", Map.of(), credentials(email, PASSWORD));
        TestHttp.Response login = http.json("POST", "/api/sessions", Map.of(), credentials(email, PASSWORD));
        TestHttp.Response orTrue = http.json("POST", "/api/sessions", Map.of(),
                credentials("' OR '1'='1", "' OR '1'='1"));
        User mallory = new User(created.number("user_id"), email, created.number("account_id"), login.text("token"));
        TestHttp.Response post = http.json("POST", "/api/posts", auth(mallory),
                "{\"title\":\"x'); DELETE FROM posts; --\",\"body\":\"1; UPDATE accounts SET balance_cents=0\"}");

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.text("email")).isEqualTo(email);
        assertThat(login.status()).isEqualTo(200);
        assertThat(orTrue.status()).isEqualTo(401);
        assertThat(post.status()).isEqualTo(201);
        assertThat(db.query("SELECT email FROM users WHERE id = " + mallory.userId())).isEqualTo(email);
        assertThat(db.query("SELECT title FROM posts WHERE id = " + post.number("post_id")))
                .isEqualTo("x'); DELETE FROM posts; --");
        assertThat(db.count("SELECT count(*) FROM users")).isGreaterThan(3);
        assertThat(db.count("SELECT count(*) FROM posts")).isGreaterThan(5);
        assertThat(db.count("SELECT count(*) FROM accounts WHERE balance_cents = 0")).isZero();
    }

    // ---------------------------------------------------------------- every bad input: 4xx JSON, nothing changed

    /** One bad request: what to send and the expected status and error code. */
    record Bad(String method, String path, Map<String, String> headers, byte[] body, boolean chunked, int status,
               String error, String messagePart) {

        static Bad json(String method, String path, Map<String, String> headers, String body, int status,
                        String error, String messagePart) {
            Map<String, String> all = new LinkedHashMap<>();
            all.put("Content-Type", "application/json");
            all.putAll(headers);
            return new Bad(method, path, all, body.getBytes(StandardCharsets.UTF_8), false, status, error,
                    messagePart);
        }
    }

    static Arguments bad(String name, Bad bad) {
        return Arguments.of(Named.of(name, bad));
    }

    static Stream<Arguments> badRequests() {
        Map<String, String> none = Map.of();
        Map<String, String> aliceAuth = auth(alice);
        Map<String, String> tx = transferHeaders(alice, "bad-input-key");
        String okTransfer = "{\"to_account\":" + bob.accountId() + ",\"amount_cents\":100}";
        String big = "{\"email\":\"big@example.com\",\"password\":\"" + "x".repeat(70_000) + "\"}";
        byte[] badUtf8 = "{\"email\":\"\u00e9@example.com\",\"password\":\"password123\"}"
                .getBytes(StandardCharsets.UTF_8);
        badUtf8[10] = (byte) 0xC3;
        badUtf8[11] = (byte) 0x28; // 0xC3 0x28: a lead byte without its continuation
        Map<String, String> jsonType = Map.of("Content-Type", "application/json");
        Map<String, String> txJson = new HashMap<>(tx);
        txJson.put("Content-Type", "application/json");
        List<Arguments> cases = new ArrayList<>(List.of(
                // malformed bodies
                bad("malformed JSON", Bad.json("POST", "/api/users", none, "{\"email\":", 400, "malformed_json",
                        "not valid JSON")),
                bad("JSON array instead of object", Bad.json("POST", "/api/users", none, "[1,2]", 400,
                        "malformed_json", "must be a JSON object")),
                bad("empty body", Bad.json("POST", "/api/users", none, "", 400, "malformed_json", "empty")),
                bad("trailing garbage", Bad.json("POST", "/api/users", none,
                        credentials("t@example.com", PASSWORD) + " x", 400, "malformed_json", null)),
                bad("duplicate key", Bad.json("POST", "/api/users", none,
                        "{\"email\":\"d@example.com\",\"email\":\"e@example.com\",\"password\":\"password123\"}",
                        400, "malformed_json", "Duplicate field")),
                bad("invalid UTF-8 bytes", new Bad("POST", "/api/users", jsonType, badUtf8, false, 400,
                        "invalid_utf8", "UTF-8")),
                bad("invalid UTF-8 bytes in a transfer", new Bad("POST", "/api/transfers", txJson,
                        new byte[] {'{', '"', (byte) 0xFF, '"', ':', '1', '}'}, false, 400, "invalid_utf8", null)),
                // missing, unknown and mistyped fields
                bad("missing password", Bad.json("POST", "/api/users", none, "{\"email\":\"m@example.com\"}", 400,
                        "missing_field", "'password'")),
                bad("unknown field", Bad.json("POST", "/api/users", none,
                        "{\"email\":\"u@example.com\",\"password\":\"password123\",\"admin\":true}", 400,
                        "unknown_field", "'admin'")),
                bad("number for email", Bad.json("POST", "/api/users", none,
                        "{\"email\":42,\"password\":\"password123\"}", 400, "wrong_type", "'email' must be a string")),
                bad("null password", Bad.json("POST", "/api/users", none,
                        "{\"email\":\"n@example.com\",\"password\":null}", 400, "wrong_type", "got null")),
                bad("object for password", Bad.json("POST", "/api/users", none,
                        "{\"email\":\"o@example.com\",\"password\":{\"x\":1}}", 400, "wrong_type", null)),
                bad("missing field at login", Bad.json("POST", "/api/sessions", none,
                        "{\"password\":\"password123\"}", 400, "missing_field", "'email'")),
                bad("unknown field at login", Bad.json("POST", "/api/sessions", none,
                        "{\"email\":\"a@b.c\",\"password\":\"password123\",\"remember\":1}", 400,
                        "unknown_field", "'remember'")),
                // strings over their limits and invalid text
                bad("email over 254 characters", Bad.json("POST", "/api/users", none,
                        credentials("a".repeat(250) + "@x.yz", PASSWORD), 400, "invalid_value", "3..254")),
                bad("email without @", Bad.json("POST", "/api/users", none, credentials("nobody.example.com",
                        PASSWORD), 400, "invalid_value", "'@'")),
                bad("email with two @", Bad.json("POST", "/api/users", none, credentials("a@b@c.d", PASSWORD), 400,
                        "invalid_value", "'@'")),
                bad("email with nothing before @", Bad.json("POST", "/api/users", none, credentials("@example.com",
                        PASSWORD), 400, "invalid_value", "'@'")),
                bad("email too short", Bad.json("POST", "/api/users", none, credentials("a@", PASSWORD), 400,
                        "invalid_value", null)),
                bad("NUL in email", Bad.json("POST", "/api/users", none,
                        "{\"email\":\"nul\\u0000@example.com\",\"password\":\"password123\"}", 400,
                        "invalid_value", "control")),
                bad("password under 8 characters", Bad.json("POST", "/api/users", none,
                        credentials("short@example.com", "1234567"), 400, "invalid_value", "8..128")),
                bad("password over 128 characters", Bad.json("POST", "/api/users", none,
                        credentials("long@example.com", "p".repeat(129)), 400, "invalid_value", "8..128")),
                bad("unpaired surrogate in password", Bad.json("POST", "/api/users", none,
                        "{\"email\":\"s@example.com\",\"password\":\"abc\\ud800defgh\"}", 400, "invalid_value",
                        "surrogate")),
                bad("password over 128 characters at login", Bad.json("POST", "/api/sessions", none,
                        credentials("alice@example.com", "p".repeat(129)), 400, "invalid_value", null)),
                // content type and size
                bad("text/plain body", new Bad("POST", "/api/users", Map.of("Content-Type", "text/plain"),
                        credentials("ct@example.com", PASSWORD).getBytes(StandardCharsets.UTF_8), false, 415,
                        "unsupported_media_type", "application/json")),
                bad("no Content-Type", new Bad("POST", "/api/users", none,
                        credentials("ct@example.com", PASSWORD).getBytes(StandardCharsets.UTF_8), false, 415,
                        "unsupported_media_type", "none")),
                bad("JSON in latin1", new Bad("POST", "/api/users",
                        Map.of("Content-Type", "application/json; charset=ISO-8859-1"),
                        credentials("ct@example.com", PASSWORD).getBytes(StandardCharsets.UTF_8), false, 415,
                        "unsupported_media_type", null)),
                bad("form-encoded transfer", new Bad("POST", "/api/transfers",
                        withHeader(tx, "Content-Type", "application/x-www-form-urlencoded"),
                        "to_account=2&amount_cents=1".getBytes(StandardCharsets.UTF_8), false, 415,
                        "unsupported_media_type", null)),
                bad("body over 64 KiB", Bad.json("POST", "/api/users", none, big, 413, "payload_too_large",
                        "65536")),
                bad("chunked body over 64 KiB", new Bad("POST", "/api/users", jsonType,
                        big.getBytes(StandardCharsets.UTF_8), true, 413, "payload_too_large", null)),
                bad("body over 64 KiB on a route that reads no body", new Bad("POST", "/api/visits", none,
                        new byte[100_000], false, 413, "payload_too_large", null)),
                bad("transfer body over 64 KiB", Bad.json("POST", "/api/transfers", tx,
                        "{\"to_account\":1,\"amount_cents\":1" + " ".repeat(70_000) + "}", 413, "payload_too_large",
                        null)),
                // amounts
                bad("zero amount", Bad.json("POST", "/api/transfers", tx, amount("0"), 400, "invalid_value",
                        "1..1000000000")),
                bad("negative amount", Bad.json("POST", "/api/transfers", tx, amount("-500"), 400, "invalid_value",
                        null)),
                bad("fractional amount", Bad.json("POST", "/api/transfers", tx, amount("1.5"), 400, "wrong_type",
                        "must be an integer")),
                bad("amount 1.0", Bad.json("POST", "/api/transfers", tx, amount("1.0"), 400, "wrong_type", null)),
                bad("amount 1e30", Bad.json("POST", "/api/transfers", tx, amount("1e30"), 400, "wrong_type", null)),
                bad("amount 2^63", Bad.json("POST", "/api/transfers", tx, amount("9223372036854775808"), 400,
                        "invalid_value", null)),
                bad("amount over a billion", Bad.json("POST", "/api/transfers", tx, amount("1000000001"), 400,
                        "invalid_value", null)),
                bad("amount as string", Bad.json("POST", "/api/transfers", tx, amount("\"100\""), 400, "wrong_type",
                        "got a string")),
                bad("amount as boolean", Bad.json("POST", "/api/transfers", tx, amount("true"), 400, "wrong_type",
                        null)),
                bad("to_account as string", Bad.json("POST", "/api/transfers", tx,
                        "{\"to_account\":\"" + bob.accountId() + "\",\"amount_cents\":100}", 400, "wrong_type",
                        "'to_account'")),
                bad("negative to_account", Bad.json("POST", "/api/transfers", tx,
                        "{\"to_account\":-1,\"amount_cents\":100}", 400, "invalid_value", null)),
                bad("missing amount", Bad.json("POST", "/api/transfers", tx,
                        "{\"to_account\":" + bob.accountId() + "}", 400, "missing_field", "'amount_cents'")),
                bad("from_account field", Bad.json("POST", "/api/transfers", tx,
                        "{\"from_account\":" + bob.accountId() + ",\"to_account\":" + alice.accountId()
                                + ",\"amount_cents\":100}", 400, "unknown_field", "'from_account'")),
                // accounts
                bad("unknown account", Bad.json("POST", "/api/transfers", tx,
                        "{\"to_account\":999999999,\"amount_cents\":100}", 404, "account_not_found", "999999999")),
                bad("transfer to self", Bad.json("POST", "/api/transfers", tx,
                        "{\"to_account\":" + alice.accountId() + ",\"amount_cents\":100}", 422, "self_transfer",
                        null)),
                bad("insufficient funds", Bad.json("POST", "/api/transfers", tx,
                        "{\"to_account\":" + bob.accountId() + ",\"amount_cents\":1000000000}", 422,
                        "insufficient_funds", null)),
                // idempotency keys
                bad("missing Idempotency-Key", Bad.json("POST", "/api/transfers", aliceAuth, okTransfer, 400,
                        "missing_idempotency_key", null)),
                bad("Idempotency-Key with a dot", Bad.json("POST", "/api/transfers",
                        transferHeaders(alice, "a.b"), okTransfer, 400, "invalid_idempotency_key", null)),
                bad("Idempotency-Key over 100 characters", Bad.json("POST", "/api/transfers",
                        transferHeaders(alice, "k".repeat(101)), okTransfer, 400, "invalid_idempotency_key", null)),
                // tokens
                bad("no token", Bad.json("POST", "/api/transfers", Map.of("Idempotency-Key", "k1"), okTransfer, 401,
                        "unauthorized", null)),
                bad("garbage token", Bad.json("POST", "/api/transfers",
                        tokenHeaders("Bearer not-a-token"), okTransfer, 401, "invalid_token", null)),
                bad("Basic instead of Bearer", Bad.json("POST", "/api/transfers",
                        tokenHeaders("Basic YWxpY2U6cHc="), okTransfer, 401, "invalid_token", null)),
                bad("token signed with another key", Bad.json("POST", "/api/transfers",
                        tokenHeaders("Bearer " + new Tokens("another-key-that-is-at-least-32-chars-long",
                                Duration.ofHours(1), Instant::now).issue(alice.userId()).token()), okTransfer, 401,
                        "invalid_token", null)),
                bad("tampered payload (another user id)", Bad.json("POST", "/api/transfers",
                        tokenHeaders("Bearer " + tampered(alice.token(), bob.userId())), okTransfer, 401,
                        "invalid_token", null)),
                bad("tampered signature", Bad.json("POST", "/api/transfers",
                        tokenHeaders("Bearer " + alice.token().substring(0, alice.token().length() - 2) + "xx"),
                        okTransfer, 401, "invalid_token", null)),
                bad("expired token", Bad.json("POST", "/api/transfers",
                        tokenHeaders("Bearer " + new Tokens(TestConfigs.TOKEN_KEY, Duration.ofSeconds(60),
                                () -> Instant.now().minusSeconds(120)).issue(alice.userId()).token()), okTransfer,
                        401, "token_expired", null)),
                bad("expired token on my account", new Bad("GET", "/api/accounts/me",
                        Map.of("Authorization", "Bearer " + new Tokens(TestConfigs.TOKEN_KEY, Duration.ofSeconds(1),
                                () -> Instant.now().minusSeconds(10)).issue(alice.userId()).token()), new byte[0],
                        false, 401, "token_expired", null)),
                bad("no token on my account", new Bad("GET", "/api/accounts/me", none, new byte[0], false, 401,
                        "unauthorized", null)),
                bad("no token on the transfer list", new Bad("GET", "/api/transfers", none, new byte[0], false, 401,
                        "unauthorized", null)),
                bad("no token for a post", Bad.json("POST", "/api/posts", none, "{\"title\":\"t\",\"body\":\"b\"}",
                        401, "unauthorized", null)),
                // posts
                bad("empty title", Bad.json("POST", "/api/posts", aliceAuth, "{\"title\":\"  \",\"body\":\"b\"}", 400,
                        "invalid_value", "'title'")),
                bad("title over 200 characters", Bad.json("POST", "/api/posts", aliceAuth,
                        "{\"title\":\"" + "t".repeat(201) + "\",\"body\":\"b\"}", 400, "invalid_value", "1..200")),
                bad("body over 10000 characters", Bad.json("POST", "/api/posts", aliceAuth,
                        "{\"title\":\"t\",\"body\":\"" + "b".repeat(10_001) + "\"}", 400, "invalid_value",
                        "1..10000")),
                bad("blank body", Bad.json("POST", "/api/posts", aliceAuth, "{\"title\":\"t\",\"body\":\" \\n \"}",
                        400, "invalid_value", "blank")),
                bad("control character in title", Bad.json("POST", "/api/posts", aliceAuth,
                        "{\"title\":\"a\\u001bb\",\"body\":\"b\"}", 400, "invalid_value", "control")),
                bad("number for title", Bad.json("POST", "/api/posts", aliceAuth, "{\"title\":1,\"body\":\"b\"}", 400,
                        "wrong_type", null)),
                bad("unknown post field", Bad.json("POST", "/api/posts", aliceAuth,
                        "{\"title\":\"t\",\"body\":\"b\",\"user_id\":1}", 400, "unknown_field", "'user_id'")),
                // query parameters and path ids
                bad("limit 0", get("/api/posts?limit=0", 400, "invalid_parameter")),
                bad("limit 101", get("/api/posts?limit=101", 400, "invalid_parameter")),
                bad("limit not a number", get("/api/posts?limit=ten", 400, "invalid_parameter")),
                bad("negative before", get("/api/posts?before=-1", 400, "invalid_parameter")),
                bad("unknown query parameter", get("/api/posts?offset=5", 400, "unknown_parameter")),
                bad("post id not a number", get("/api/posts/abc", 400, "bad_request")),
                bad("token of a user that does not exist", Bad.json("POST", "/api/posts",
                        Map.of("Authorization", "Bearer " + new Tokens(TestConfigs.TOKEN_KEY, Duration.ofHours(1),
                                Instant::now).issue(987_654_321).token()), "{\"title\":\"t\",\"body\":\"b\"}", 401,
                        "invalid_token", null)),
                bad("token of a user that does not exist, transfer", Bad.json("POST", "/api/transfers",
                        tokenHeaders("Bearer " + new Tokens(TestConfigs.TOKEN_KEY, Duration.ofHours(1),
                                Instant::now).issue(987_654_321).token()), okTransfer, 401, "invalid_token", null)),
                bad("post id 2^63", get("/api/posts/9223372036854775808", 400, "bad_request")),
                bad("unknown post", get("/api/posts/999999999", 404, "not_found")),
                // routes and methods
                bad("unknown route", get("/api/nothing", 404, "not_found")),
                bad("unknown nested route", get("/api/accounts/them", 404, "not_found")),
                bad("GET on sign-up", get("/api/users", 405, "method_not_allowed")),
                bad("DELETE a transfer list", new Bad("DELETE", "/api/transfers", aliceAuth, new byte[0], false,
                        405, "method_not_allowed", "GET, POST")),
                bad("PUT a post", Bad.json("PUT", "/api/posts/1", aliceAuth, "{}", 405, "method_not_allowed", null)),
                bad("POST my account", Bad.json("POST", "/api/accounts/me", aliceAuth, "{}", 405,
                        "method_not_allowed", null))));
        return cases.stream();
    }

    static Bad get(String path, int status, String error) {
        return new Bad("GET", path, Map.of(), new byte[0], false, status, error, null);
    }

    static String amount(String value) {
        return "{\"to_account\":" + bob.accountId() + ",\"amount_cents\":" + value + "}";
    }

    static Map<String, String> tokenHeaders(String authorization) {
        return Map.of("Authorization", authorization, "Idempotency-Key", "token-case");
    }

    static Map<String, String> withHeader(Map<String, String> headers, String name, String value) {
        Map<String, String> copy = new HashMap<>(headers);
        copy.put(name, value);
        return copy;
    }

    /** The token with its payload's user id replaced, keeping the original signature. */
    static String tampered(String token, long userId) {
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.US_ASCII);
        String forged = payload.replaceFirst("^v1:[0-9]+:", "v1:" + userId + ":");
        return Base64.getUrlEncoder().withoutPadding().encodeToString(forged.getBytes(StandardCharsets.US_ASCII))
                + "." + parts[1];
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    @Order(40)
    void badInputIsA4xxJsonErrorAndChangesNothing(Bad bad) throws Exception {
        String before = fingerprint();
        HttpRequest.BodyPublisher body = bad.body().length == 0 && !bad.method().equals("POST")
                ? HttpRequest.BodyPublishers.noBody()
                : bad.chunked() ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bad.body()))
                : HttpRequest.BodyPublishers.ofByteArray(bad.body());

        TestHttp.Response response = http.call(bad.method(), bad.path(), bad.headers(), body);

        assertThat(response.status()).as("status; body: %s", response.raw().body()).isEqualTo(bad.status());
        assertThat(response.header("Content-Type")).contains("application/json");
        assertThat(response.text("error")).as("body: %s", response.raw().body()).isEqualTo(bad.error());
        assertThat(response.text("message")).isNotBlank();
        if (bad.messagePart() != null) {
            assertThat(response.text("message")).contains(bad.messagePart());
        }
        assertThat(response.json().size()).isEqualTo(2);
        if (bad.status() == 401) {
            assertThat(response.header("WWW-Authenticate")).contains("Bearer");
        }
        assertThat(response.header("Set-Cookie")).isEmpty();
        assertThat(fingerprint()).isEqualTo(before);
    }

    @Test
    @Order(41)
    void aHugeDeclaredBodyIsRefusedWithoutReadingIt() throws Exception {
        String before = fingerprint();
        try (Socket socket = new Socket("127.0.0.1", db.appPort(0))) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST /api/users HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 5000000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();

            // the answer comes before any of the body was sent
            String response = readResponse(socket.getInputStream());

            assertThat(response).startsWith("HTTP/1.1 413 ").containsIgnoringCase("connection: close")
                    .endsWith("{\"error\":\"payload_too_large\",\"message\":\"the request body is larger than"
                            + " 65536 bytes\"}");
        }
        assertThat(fingerprint()).isEqualTo(before);
    }

    /** Sends {@code request} as is over a new connection; returns the response's head and its Content-Length body. */
    static String raw(String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", db.appPort(0))) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return readResponse(socket.getInputStream());
        }
    }

    /** One HTTP/1.1 response with a Content-Length (the server may keep the connection open after it). */
    static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
            head.write(b);
        }
        String headers = head.toString(StandardCharsets.ISO_8859_1);
        Matcher length = Pattern.compile("(?im)^content-length: *([0-9]+)")
                .matcher(headers);
        byte[] body = length.find() ? in.readNBytes(Integer.parseInt(length.group(1))) : new byte[0];
        return headers + new String(body, StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @MethodSource("brokenRequestTargets")
    @Order(42)
    void brokenPercentEncodingIsA4xx(String target, String error) throws Exception {
        String response = raw("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        assertThat(response).startsWith("HTTP/1.1 400 ").containsIgnoringCase("content-type: application/json")
                .contains("\"error\":\"" + error + "\"");
    }

    static Stream<Arguments> brokenRequestTargets() {
        return Stream.of(Arguments.of("/api/posts?limit=%zz", "bad_request"),
                Arguments.of("/api/posts?limit=%", "bad_request"),
                Arguments.of("/api/posts/%zz", "bad_request"),
                Arguments.of("/api/posts/1%00", "bad_request"),
                Arguments.of("/api/posts/%C3%28", "bad_request"));
    }

    // ---------------------------------------------------------------- operations

    @Test
    @Order(50)
    void metricsShowRoutesByTemplatePoolsAndTheJvm() {
        http.get("/api/posts/" + 12_345);
        http.get("/api/nowhere/" + 67_890);

        TestHttp.Response metrics = http.get("/metrics");

        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.header("Content-Type")).get().asString().startsWith("text/plain");
        String text = metrics.raw().body();
        assertThat(text)
                .containsPattern("http_server_requests_seconds_bucket\\{[^}]*method=\"GET\",[^}]*route=\"/api/posts/"
                        + "\\{id}\",status=\"404\"[^}]*}")
                .containsPattern("http_server_requests_seconds_count\\{method=\"POST\",route=\"/api/transfers\","
                        + "status=\"201\"} [0-9.]+")
                .contains("route=\"unmatched\"")
                // the ids must not become labels; a sample's value may hold those digits by chance
                .doesNotContainPattern("\\{[^}]*12345[^}]*}").doesNotContainPattern("\\{[^}]*67890[^}]*}")
                .containsPattern("hikaricp_connections\\{pool=\"primary\"}")
                .containsPattern("hikaricp_connections\\{pool=\"replica\"}")
                .contains("jvm_memory_used_bytes").contains("jvm_gc_").contains("jvm_threads_live_threads");
    }

    @Test
    @Order(51)
    void infoStillNamesTheAppAndTheDatabase() {
        TestHttp.Response info = http2.get("/api/info");

        assertThat(info.status()).isEqualTo(200);
        assertThat(info.text("app_host")).isEqualTo("api-2");
        assertThat(info.json().get("db").get("server_addr").asText()).isEqualTo("127.0.0.1");
    }

    @Test
    @Order(60)
    void brokenConnectionsAreReplacedWithoutFailingRequests() throws Exception {
        for (int round = 0; round < 3; round++) {
            http.json("GET", "/api/accounts/me", auth(alice), "");
            long killed = db.count("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    + " WHERE application_name LIKE 'app@api-%'");
            assertThat(killed).isPositive();

            TestHttp.Response me = http.json("GET", "/api/accounts/me", auth(alice), "");
            TestHttp.Response sent = transfer(http, alice, "after-kill-" + round, bob.accountId(), 1);
            TestHttp.Response feed = http.get("/api/posts?limit=1");

            assertThat(me.status()).as(me.raw().body()).isEqualTo(200);
            assertThat(sent.status()).as(sent.raw().body()).isEqualTo(201);
            assertThat(feed.status()).as(feed.raw().body()).isEqualTo(200);
        }
        assertThat(db.count("SELECT count(*) FROM transfers WHERE idempotency_key LIKE 'after-kill-%'"))
                .isEqualTo(3);
        // at least one request found its pooled connection dead and was retried on a fresh one
        assertThat(http.get("/metrics").raw().body()).containsPattern("db_retries_total\\{pool=\"(primary|replica)\"}"
                + " [1-9]");
    }

    @Test
    @Order(99)
    void withTheDatabaseDownRequestsGet503WithinFiveSeconds() throws Exception {
        db.server.stop();
        List<Supplier<TestHttp.Response>> calls = List.of(
                () -> transfer(http, alice, "db-down", bob.accountId(), 1),
                () -> http.json("GET", "/api/accounts/me", auth(alice), ""),
                () -> http.get("/api/posts"),
                () -> http.json("POST", "/api/users", Map.of(), credentials("late@example.com", PASSWORD)),
                () -> http.json("POST", "/api/sessions", Map.of(), credentials("alice@example.com", PASSWORD)),
                () -> http.json("POST", "/api/posts", auth(alice), "{\"title\":\"t\",\"body\":\"b\"}"));

        List<CompletableFuture<TestHttp.Response>> responses = calls.stream()
                .map(call -> CompletableFuture.supplyAsync(() -> timed(call))).toList();

        for (var future : responses) {
            TestHttp.Response response = future.get();
            assertThat(response.status()).as(response.raw().body()).isEqualTo(503);
            assertThat(response.text("error")).isEqualTo("db_unavailable");
        }
        // tokens need no database
        assertThat(http.json("GET", "/api/accounts/me", Map.of("Authorization", "Bearer forged"), "").status())
                .isEqualTo(401);
    }

    private static TestHttp.Response timed(Supplier<TestHttp.Response> call) {
        long start = System.nanoTime();
        TestHttp.Response response = call.get();
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(millis).as("response time in ms").isLessThan(5_500);
        return response;
    }
}
