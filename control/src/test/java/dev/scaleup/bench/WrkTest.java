package dev.scaleup.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.scaleup.loadgen.Op;
import dev.scaleup.loadgen.User;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WrkTest {

    static final List<User> USERS = List.of(new User("a@x", "1", "11", true, "tok-a"),
            new User("b@x", "2", "22", true, "tok-b"), new User("c@x", "3", "acc-\"3\"", false, "tok-c"));

    @Test
    void theScriptQuotesWhatItEmbedsAndNeedsTwoUsersForAnAuthenticatedEndpoint() {
        String script = Wrk.script(Op.TRANSFER, USERS, "bn1-7");
        assertThat(script).contains("local method, path = \"POST\", \"/api/transfers\"")
                .contains("\"tok-a\",\n  \"tok-b\",\n  \"tok-c\"")
                .contains("\"\\\"acc-\\\\\\\"3\\\\\\\"\\\"\"")
                .contains("local key_prefix = \"bn1-7\"");
        assertThat(Wrk.script(Op.STATIC, List.of(), "bn1-0")).contains("local tokens = {\n  \n}");
        assertThatThrownBy(() -> Wrk.script(Op.ACCOUNT_ME, USERS.subList(0, 1), "p"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Wrk.script(Op.STATIC, List.of(), "a b")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Wrk.lua("a\"b\\c\nd\u0001")).isEqualTo("\"a\\\"b\\\\c\\nd\\001\"");
    }

    @Test
    void onlyAPacedLoadHasADelayFunctionAndItsIntervalIsPerThread() {
        assertThat(Wrk.script(Op.STATIC, List.of(), "p", new Wrk.Load(2, 8, 1))).contains("local rate, wrk_threads = 0.000, 2")
                .contains("if rate > 0 then\n  local ffi");
        assertThat(Wrk.script(Op.ACCOUNT_ME, USERS, "p", new Wrk.Load(2, 8, 1, 1234.5)))
                .contains("local rate, wrk_threads = 1234.500, 2").contains("function delay()")
                .contains("1000 * wrk_threads / rate");
        assertThatThrownBy(() -> new Wrk.Load(2, 8, 1, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Wrk.Load(4, 2, 1)).as("fewer connections than threads")
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new Wrk.Load(2, 8, 8).paced(300).lasting(2)).isEqualTo(new Wrk.Load(2, 8, 2, 300));
    }

    /** wrk paces itself with the script: a server that answers at once gets about the rate asked, not thousands. */
    @Test
    void aPacedLoadSendsAboutTheRateAsked(@TempDir Path scratch) throws Exception {
        assumeTrue(Files.isExecutable(Wrk.BINARY), "wrk is not installed (./test installs it as root)");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, 2);
            exchange.getResponseBody().write("{}".getBytes(StandardCharsets.UTF_8));
            exchange.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + Op.STATIC.path();
            Wrk.Result closed = Wrk.run(url, Op.STATIC, List.of(), "bnP-0", new Wrk.Load(2, 4, 2), scratch);
            Wrk.Result paced = Wrk.run(url, Op.STATIC, List.of(), "bnP-1", new Wrk.Load(2, 4, 2, 100), scratch);
            assertThat(paced.errors()).isZero();
            // 200 requests in 2 s, and the first of each connection at once; a busy machine may send fewer
            assertThat(paced.requests()).isBetween(100L, 215L);
            assertThat(closed.requests()).as("the same load unpaced").isGreaterThan(3 * paced.requests());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void theSummaryLineIsReadAmongWrksOwnOutput() {
        String out = """
                Running 1s test @ http://127.0.0.1/
                  2 threads and 4 connections
                SCALEUP-WRK {"requests":1000,"duration_us":2000000,"connect":1,"read":2,"write":0,"status":3,"timeout":4,"p50_us":1500,"p99_us":9000,"max_us":12000}
                """;
        Wrk.Result r = Wrk.parse(out).orElseThrow();
        assertThat(r.requests()).isEqualTo(1000);
        assertThat(r.errors()).isEqualTo(10);
        assertThat(r.requestsPerSecond()).isEqualTo(495.0);
        assertThat(r.p50Ms()).isEqualTo(1.5);
        assertThat(r.p99Ms()).isEqualTo(9.0);
        assertThat(r.errorSummary()).isEqualTo("connect 1, read 2, timeout 4, status>=400 3");
        assertThat(Wrk.parse("no summary")).isEmpty();
    }

    /** wrk itself runs the script against a local server, which checks every transfer it receives. */
    @Test
    void wrkSendsSignedInTransfersWithAFreshKeyEachToAnotherUser(@TempDir Path scratch) throws Exception {
        assumeTrue(Files.isExecutable(Wrk.BINARY), "wrk is not installed (./test installs it as root)");
        ObjectMapper json = new ObjectMapper();
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        Set<String> keys = Collections.synchronizedSet(new HashSet<>());
        List<String> tokens = Collections.synchronizedList(new ArrayList<>());
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/", exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (!exchange.getRequestMethod().equals("POST") || !exchange.getRequestURI().getPath().equals("/api/transfers")
                    || auth == null || key == null || !keys.add(key)) {
                problems.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + auth + " " + key);
            } else {
                String token = auth.substring("Bearer ".length());
                tokens.add(token);
                JsonNode b = json.readTree(body);
                String to = b.path("to_account").toString();
                String from = USERS.stream().filter(u -> u.token().equals(token)).findFirst()
                        .map(u -> u.accountIdIsNumber() ? u.accountId() : "\"" + u.accountId().replace("\"", "\\\"") + "\"")
                        .orElse("?");
                if (to.equals(from) || b.path("amount_cents").asInt() != 1) {
                    problems.add("transfer " + body + " by " + token);
                }
            }
            byte[] reply = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, reply.length);
            exchange.getResponseBody().write(reply);
            exchange.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + Op.TRANSFER.path();
            Wrk.Result r = Wrk.run(url, Op.TRANSFER, USERS, "bnT-1", new Wrk.Load(2, 4, 1), scratch);
            assertThat(problems).isEmpty();
            assertThat(r.requests()).isPositive();
            assertThat(r.errors()).isZero();
            assertThat(keys).hasSizeGreaterThanOrEqualTo((int) r.requests());
            assertThat(new HashSet<>(tokens)).containsExactlyInAnyOrder("tok-a", "tok-b", "tok-c");
            assertThat(scratch).isEmptyDirectory();
        } finally {
            server.stop(0);
        }
    }
}
