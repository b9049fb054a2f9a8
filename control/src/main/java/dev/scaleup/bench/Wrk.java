package dev.scaleup.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scaleup.loadgen.Op;
import dev.scaleup.loadgen.User;
import dev.scaleup.ops.OperatorException;
import dev.scaleup.runtime.Exec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The benchmark's load generator: wrk (Debian's package), driven by a Lua script this class writes for one target.
 * The script signs every request of an authenticated endpoint in with one of the bench's users (round robin), gives
 * every transfer a fresh Idempotency-Key and a one-cent amount to the next user's account, and prints wrk's summary
 * as one JSON line that {@link #parse} reads.
 */
public final class Wrk {

    static final Path BINARY = Path.of("/usr/bin/wrk");
    static final String MARK = "SCALEUP-WRK ";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What wrk measured for one target. Errors: connections refused or failed (connect), broken (read, write),
     * requests that got no answer within the timeout, and answers with a status of 400 or above.
     */
    public record Result(long requests, double seconds, long connectErrors, long readErrors, long writeErrors,
                         long timeouts, long statusErrors, double p50Ms, double p99Ms, double maxMs) {
        public long errors() {
            return connectErrors + readErrors + writeErrors + timeouts + statusErrors;
        }

        public double requestsPerSecond() {
            return seconds <= 0 ? 0 : Bench.round((requests - errors()) / seconds);
        }

        public String errorSummary() {
            StringBuilder s = new StringBuilder();
            append(s, "connect", connectErrors);
            append(s, "read", readErrors);
            append(s, "write", writeErrors);
            append(s, "timeout", timeouts);
            append(s, "status>=400", statusErrors);
            return s.toString();
        }

        private static void append(StringBuilder s, String what, long n) {
            if (n > 0) {
                s.append(s.isEmpty() ? "" : ", ").append(what).append(' ').append(n);
            }
        }
    }

    /**
     * How hard: wrk's threads and open connections. With {@code ratePerSecond} 0 a closed loop: each connection sends
     * its next request when answered. Above 0 each wrk thread spaces its requests evenly, so that together they send
     * about that many a second (never more; fewer when the connections cannot keep up).
     */
    public record Load(int threads, int connections, int seconds, double ratePerSecond) {
        public Load {
            if (threads < 1 || connections < threads || seconds < 1 || ratePerSecond < 0) {
                throw new IllegalArgumentException("threads " + threads + ", connections " + connections + ", seconds "
                        + seconds + ", rate " + ratePerSecond);
            }
        }

        public Load(int threads, int connections, int seconds) {
            this(threads, connections, seconds, 0);
        }

        public Load paced(double rate) {
            return new Load(threads, connections, seconds, rate);
        }

        public Load lasting(int newSeconds) {
            return new Load(threads, connections, newSeconds, ratePerSecond);
        }
    }

    private Wrk() {
    }

    public static void requireInstalled() {
        if (!Files.isExecutable(BINARY)) {
            throw new OperatorException("bench drives wrk, which is not installed: apt-get install wrk (./scaleup up "
                    + "as root installs it)");
        }
    }

    /** Runs wrk against {@code url} with the script of the operation; blocks for the load's seconds. */
    public static Result run(String url, Op op, List<User> users, String keyPrefix, Load load, Path scratch) {
        Path script = scratch.resolve(keyPrefix + ".lua");
        try {
            Files.createDirectories(scratch);
            Files.writeString(script, script(op, users, keyPrefix, load));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = List.of(BINARY.toString(), "-t" + load.threads(), "-c" + load.connections(),
                "-d" + load.seconds() + "s", "--timeout", "5s", "-s", script.toString(), url);
        Exec.Result result = Exec.run(command, Duration.ofSeconds(load.seconds() + 30L), null);
        try {
            Files.deleteIfExists(script);
        } catch (IOException e) {
            // a scratch file; the directory goes with the run
        }
        if (!result.ok()) {
            throw new OperatorException("wrk failed against " + url + " (exit " + result.exitCode() + "): "
                    + (result.stderr().isBlank() ? result.stdout() : result.stderr()).strip());
        }
        return parse(result.stdout()).orElseThrow(() -> new OperatorException("wrk printed no summary for " + url
                + ": " + result.stdout().strip()));
    }

    /** The summary line the script's done() printed. */
    static java.util.Optional<Result> parse(String stdout) {
        return stdout.lines().filter(l -> l.startsWith(MARK)).findFirst().map(l -> {
            try {
                JsonNode j = JSON.readTree(l.substring(MARK.length()));
                return new Result(j.path("requests").asLong(), j.path("duration_us").asLong() / 1e6,
                        j.path("connect").asLong(), j.path("read").asLong(), j.path("write").asLong(),
                        j.path("timeout").asLong(), j.path("status").asLong(), j.path("p50_us").asLong() / 1000.0,
                        j.path("p99_us").asLong() / 1000.0, j.path("max_us").asLong() / 1000.0);
            } catch (IOException e) {
                throw new OperatorException("wrk's summary is not JSON: " + l);
            }
        });
    }

    /** The script of a closed loop. */
    static String script(Op op, List<User> users, String keyPrefix) {
        return script(op, users, keyPrefix, new Load(1, 1, 1));
    }

    /**
     * The Lua script for one operation (wrk's API: setup runs per thread in the main state, request per request, and
     * delay, when the load is paced, before each request after a connection's first: the milliseconds to wait). The
     * pacing reads the monotonic clock through LuaJIT's FFI (wrk is built on LuaJIT) and gives each request of a thread
     * the next free slot of that thread's schedule.
     */
    static String script(Op op, List<User> users, String keyPrefix, Load load) {
        if (op.needsUser() && users.size() < 2) {
            throw new IllegalArgumentException(op.label() + " needs at least two users");
        }
        if (!keyPrefix.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("key prefix " + keyPrefix);
        }
        List<User> signedIn = op.needsUser() ? users : List.of();
        String tokens = signedIn.stream().map(u -> lua(u.token())).collect(Collectors.joining(",\n  "));
        String accounts = signedIn.stream().map(u -> lua(accountJson(u))).collect(Collectors.joining(",\n  "));
        return String.format(Locale.ROOT, """
                -- scaleup bench: %s %s, generated for one run (wrk's Lua API)
                local method, path = %s, %s
                local tokens = {
                  %s
                }
                local accounts = {
                  %s
                }
                local key_prefix = %s
                local threads = 0
                function setup(thread)
                  threads = threads + 1
                  thread:set("tid", threads)
                end
                local n = 0
                function request()
                  n = n + 1
                  local headers = {["Accept"] = "application/json"}
                  if #tokens == 0 then
                    return wrk.format(method, path, headers)
                  end
                  local u = (tid * 7 + n) %% #tokens + 1
                  headers["Authorization"] = "Bearer " .. tokens[u]
                  if method == "GET" then
                    return wrk.format(method, path, headers)
                  end
                  headers["Content-Type"] = "application/json"
                  headers["Idempotency-Key"] = key_prefix .. "-" .. tid .. "-" .. n
                  local body = '{"to_account":' .. accounts[u %% #tokens + 1] .. ',"amount_cents":1}'
                  return wrk.format(method, path, headers, body)
                end
                -- paced: rate requests a second over wrk_threads threads (0: a closed loop, and no delay function,
                -- which would make wrk set a timer for every request)
                local rate, wrk_threads = %s, %d
                if rate > 0 then
                  local ffi = require("ffi")
                  ffi.cdef[[
                  typedef struct { long tv_sec; long tv_nsec; } scaleup_timespec;
                  int clock_gettime(int clock, scaleup_timespec *ts);
                  ]]
                  local ts = ffi.new("scaleup_timespec")
                  local interval, due = 1000 * wrk_threads / rate, 0
                  -- CLOCK_MONOTONIC; the next free slot of this thread's schedule, in milliseconds from now
                  function delay()
                    ffi.C.clock_gettime(1, ts)
                    local now = tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
                    if due < now then
                      due = now
                    end
                    local wait = due - now
                    due = due + interval
                    return wait
                  end
                end
                function done(summary, latency, requests)
                  local e = summary.errors
                  io.write(string.format('%s{"requests":%%d,"duration_us":%%d,"connect":%%d,"read":%%d,"write":%%d,'
                    .. '"status":%%d,"timeout":%%d,"p50_us":%%d,"p99_us":%%d,"max_us":%%d}\\n', summary.requests,
                    summary.duration, e.connect, e.read, e.write, e.status, e.timeout, latency:percentile(50),
                    latency:percentile(99), latency.max))
                end
                """, op.method(), op.path(), lua(op.method()), lua(op.path()), tokens, accounts, lua(keyPrefix),
                String.format(Locale.ROOT, "%.3f", load.ratePerSecond()), load.threads(), MARK);
    }

    private static String accountJson(User user) {
        if (user.accountIdIsNumber()) {
            return user.accountId();
        }
        try {
            return JSON.writeValueAsString(user.accountId());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A Lua string literal. */
    static String lua(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format(Locale.ROOT, "\\%03d", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
