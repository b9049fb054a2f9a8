package dev.scaleup.it;

import java.util.ArrayList;
import java.util.List;

/** The hostile requests sent to the edge, each with what it must get (docs/SECURITY.md, hostile input). */
final class HostileRequests {

    private HostileRequests() {
    }

    /** What a hostile request must get. */
    enum Expect {
        /** a 4xx, or the connection closed without an answer */
        REFUSED,
        /**
         * request smuggling with both Content-Length and Transfer-Encoding: the edge may serve the request by its
         * Transfer-Encoding (RFC 9112 6.3) but must then close the connection, so the request smuggled behind it is
         * never answered; or refuse it
         */
        CLOSED,
        /**
         * an API request with an injection payload in a field that is valid as data: it may be stored (201), but only
         * as text: a JSON answer (nosniff), and quickly (a pg_sleep in it did not run)
         */
        INERT
    }

    /**
     * One hostile request, sent as raw bytes through the VIP: over HTTPS (as every request is, plain HTTP being
     * redirected), or to the plain HTTP port when {@code plain}.
     */
    record Hostile(String name, byte[] request, Expect expect, boolean plain) {
        Hostile(String name, byte[] request, Expect expect) {
            this(name, request, expect, false);
        }

        static Hostile refused(String name, String... parts) {
            return new Hostile(name, RawHttp.bytes(parts), Expect.REFUSED);
        }

        static Hostile refusedOnThePlainPort(String name, String... parts) {
            return new Hostile(name, RawHttp.bytes(parts), Expect.REFUSED, true);
        }

        static Hostile closed(String name, String... parts) {
            return new Hostile(name, RawHttp.bytes(parts), Expect.CLOSED);
        }
    }

    static final String H = "Host: scaleup.test\r\n";

    /** Every hostile request, in the order sent; two of them are valid as data and carry a mark of this run. */
    static List<Hostile> corpus() {
        String run = Long.toString(System.currentTimeMillis(), 36);
        String a10k = "a".repeat(10_000);
        String a20k = "a".repeat(20_000);
        List<Hostile> corpus = new ArrayList<>(List.of(
                // malformed request lines
                Hostile.refused("garbage request line", "GARBAGE\r\n\r\n"),
                Hostile.refusedOnThePlainPort("garbage request line on the plain port", "GARBAGE\r\n\r\n"),
                Hostile.refusedOnThePlainPort("request smuggling on the plain port", "POST /api/visits HTTP/1.1\r\n", H,
                        "Content-Length: 3\r\nContent-Length: 5\r\n\r\nabcde"),
                Hostile.refused("HTTP/0.9 request", "GET /\r\n\r\n"),
                Hostile.refused("unknown HTTP version", "GET / HTTP/9.9\r\n", H, "\r\n"),
                Hostile.refused("space in the target", "GET /a b HTTP/1.1\r\n", H, "\r\n"),
                Hostile.refused("NUL in the target", "GET /\u0000 HTTP/1.1\r\n", H, "\r\n"),
                Hostile.refusedOnThePlainPort("TLS hello on the HTTP port", "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003\r\n\r\n"),
                Hostile.refused("CONNECT tunnel", "CONNECT internal.example:5432 HTTP/1.1\r\n", H, "\r\n"),
                Hostile.refused("TRACE", "TRACE / HTTP/1.1\r\n", H, "\r\n"),
                Hostile.refused("no Host header", "GET / HTTP/1.1\r\n\r\n"),
                Hostile.refused("bare CR in a header", "GET / HTTP/1.1\r\n", H, "X-A: a\rb\r\n\r\n"),
                Hostile.refused("space before the colon", "GET / HTTP/1.1\r\n", H, "X-A : b\r\n\r\n"),
                // oversized headers
                Hostile.refused("10 KB target", "GET /" + a10k + " HTTP/1.1\r\n", H, "\r\n"),
                Hostile.refused("20 KB target", "GET /" + a20k + " HTTP/1.1\r\n", H, "\r\n"),
                Hostile.refused("12 KB header", "GET / HTTP/1.1\r\n", H, "X-Big: " + "b".repeat(12_000) + "\r\n\r\n"),
                Hostile.refused("200 headers", "GET / HTTP/1.1\r\n", H, headers(200), "\r\n"),
                // huge bodies
                Hostile.refused("declared 10 MB body", "POST /api/users HTTP/1.1\r\n", H,
                        "Content-Type: application/json\r\nContent-Length: 10000000\r\n\r\n{\"email\":\""),
                Hostile.refused("100 KB JSON body", "POST /api/users HTTP/1.1\r\n", H,
                        "Content-Type: application/json\r\nContent-Length: 100011\r\n\r\n{\"email\":\"" + "x".repeat(100_000) + "\"}"),
                Hostile.refused("100 KB chunked body", "POST /api/users HTTP/1.1\r\n", H,
                        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
                        "186a0\r\n" + "x".repeat(100_000) + "\r\n0\r\n\r\n"),
                // request smuggling: the two framings disagree
                Hostile.closed("Content-Length and Transfer-Encoding", "POST /api/visits HTTP/1.1\r\n", H,
                        "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n",
                        "8\r\nSMUGGLED\r\n0\r\n\r\nGET /canary-smuggled HTTP/1.1\r\n", H, "\r\n"),
                Hostile.closed("Transfer-Encoding and a short Content-Length", "GET /api/info HTTP/1.1\r\n", H,
                        "Transfer-Encoding: chunked\r\nContent-Length: 6\r\n\r\n0\r\n\r\nGET /canary-smuggled HTTP/1.1\r\n", H, "\r\n"),
                Hostile.refused("two Content-Lengths", "POST /api/visits HTTP/1.1\r\n", H,
                        "Content-Length: 3\r\nContent-Length: 5\r\n\r\nabcde"),
                Hostile.refused("Content-Length list", "POST /api/visits HTTP/1.1\r\n", H, "Content-Length: 3, 5\r\n\r\nabcde"),
                Hostile.refused("obfuscated Transfer-Encoding", "POST /api/visits HTTP/1.1\r\n", H,
                        "Transfer-Encoding: xchunked\r\nContent-Length: 5\r\n\r\nabcde"),
                Hostile.refused("chunked, identity", "POST /api/visits HTTP/1.1\r\n", H,
                        "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n"),
                Hostile.refused("bad chunk size", "POST /api/visits HTTP/1.1\r\n", H,
                        "Transfer-Encoding: chunked\r\n\r\nZZ\r\nabc\r\n0\r\n\r\n"),
                // path traversal
                Hostile.refused("../../etc/passwd", "GET /../../etc/passwd HTTP/1.1\r\n", H, "\r\n"),
                Hostile.refused("%2e%2e%2f", "GET /%2e%2e%2f%2e%2e%2fetc%2fpasswd HTTP/1.1\r\n", H, "\r\n"),
                Hostile.refused("..%252f (double encoded)", "GET /..%252f..%252fetc%252fpasswd HTTP/1.1\r\n", H, "\r\n"),
                Hostile.refused("..%2f under /api/", "GET /api/..%2f..%2f..%2fetc/passwd HTTP/1.1\r\n", H, "\r\n"),
                Hostile.refused("backslashes", "GET /..\\..\\etc\\passwd HTTP/1.1\r\n", H, "\r\n"),
                Hostile.refused("dot file", "GET /.git/config HTTP/1.1\r\n", H, "\r\n"),
                Hostile.refused("POST to a static file", "POST /index.html HTTP/1.1\r\n", H, "Content-Length: 0\r\n\r\n"),
                // invalid UTF-8
                Hostile.refused("invalid UTF-8 in the path", "GET /\u00ff\u00fe\u00c3\u0028 HTTP/1.1\r\n", H, "\r\n"),
                Hostile.refused("invalid UTF-8 in a JSON field", json("/api/users",
                        "{\"email\":\"\u00ff\u00fe@x.test\",\"password\":\"correct-horse-1\"}")),
                Hostile.refused("JSON that is not an object", json("/api/users", "[\"' OR 1=1 --\"]")),
                Hostile.refused("operator injection object", json("/api/users",
                        "{\"email\":{\"$gt\":\"\"},\"password\":\"correct-horse-1\"}")),
                Hostile.refused("SQL in a path parameter", "GET /api/visits/1%27%20OR%20%271%27=%271 HTTP/1.1\r\n", H, "\r\n"),
                Hostile.refused("SQL in a query parameter", "GET /api/posts?limit=1;DROP%20TABLE%20users HTTP/1.1\r\n", H, "\r\n"),
                Hostile.refused("SQL in an email without @", json("/api/users",
                        "{\"email\":\"x' OR 1=1; DROP TABLE users; --\",\"password\":\"correct-horse-1\"}"))));
        // SQL and script in API fields that are valid as data: stored as text, never run
        corpus.add(new Hostile("SQL in an email", json("/api/users",
                "{\"email\":\"'); DROP TABLE users; SELECT pg_sleep(5); --" + run + "@x.test\",\"password\":\"correct-horse-1\"}")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), Expect.INERT));
        corpus.add(new Hostile("<script> in an email", json("/api/users",
                "{\"email\":\"<script>alert(1)</script>" + run + "@x.test\",\"password\":\"correct-horse-1\"}")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), Expect.INERT));
        return corpus;
    }

    private static String headers(int n) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < n; i++) {
            out.append("X-H").append(i).append(": v\r\n");
        }
        return out.toString();
    }

    /** A POST of a JSON body (ISO-8859-1 characters stand for the bytes sent). */
    private static String json(String path, String body) {
        return "POST " + path + " HTTP/1.1\r\n" + H + "Content-Type: application/json\r\nContent-Length: "
                + body.length() + "\r\nConnection: close\r\n\r\n" + body;
    }
}
