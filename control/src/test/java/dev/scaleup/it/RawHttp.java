package dev.scaleup.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * HTTP/1.1 over a plain socket, so that malformed bytes go out exactly as written: sends the bytes, reads the answers
 * (status line, headers, a body by Content-Length or chunks) and whether the server then closed the connection.
 */
final class RawHttp {

    private RawHttp() {
    }

    /**
     * What came back.
     *
     * @param statuses the status code of each response read, in order (empty: none)
     * @param bodies their bodies (as ISO-8859-1 text, to search in)
     * @param headers their header blocks, lower-cased names
     * @param closed the server closed (or reset) the connection
     * @param millis from the first byte sent to the end of reading
     */
    record Exchange(List<Integer> statuses, List<String> bodies, List<String> headers, boolean closed, long millis) {

        boolean any5xx() {
            return statuses.stream().anyMatch(s -> s >= 500);
        }

        Integer first() {
            return statuses.isEmpty() ? null : statuses.get(0);
        }

        /** Refused: the first answer is a 4xx, or the connection was closed without any answer; never a 5xx. */
        boolean refused() {
            if (any5xx()) {
                return false;
            }
            return statuses.isEmpty() ? closed : statuses.get(0) >= 400 && statuses.get(0) < 500;
        }

        @Override
        public String toString() {
            return "statuses " + statuses + (closed ? ", closed" : ", open") + ", " + millis + " ms";
        }
    }

    /** Sends {@code request} at once, then reads answers until the connection is closed or idle for {@code idleMillis}. */
    static Exchange exchange(String host, int port, byte[] request, int idleMillis) throws IOException {
        return exchange(host, port, request, idleMillis, null);
    }

    /**
     * As {@link #exchange(String, int, byte[], int)}, over TLS when {@code tls} is not null (the handshake done and the
     * server's certificate checked against the context's trust before a byte of the request goes out).
     */
    static Exchange exchange(String host, int port, byte[] request, int idleMillis, SSLContext tls) throws IOException {
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(host, port), 2000);
            Socket socket = plain;
            if (tls != null) {
                SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(plain, host, port, true);
                SSLParameters parameters = secure.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                secure.setSSLParameters(parameters);
                secure.setSoTimeout(5000);
                secure.startHandshake();
                socket = secure;
            }
            long start = System.nanoTime();
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (SocketException e) {
                // the server may close before reading everything (a huge body): still read what it answered
            }
            return read(socket, start, idleMillis);
        }
    }

    /** Reads responses until the server closes or nothing comes for {@code idleMillis}. */
    static Exchange read(Socket socket, long start, int idleMillis) throws IOException {
        InputStream in = socket.getInputStream();
        socket.setSoTimeout(idleMillis);
        List<Integer> statuses = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        List<String> headers = new ArrayList<>();
        boolean closed = false;
        try {
            while (true) {
                String statusLine = line(in);
                if (statusLine == null) {
                    closed = true;
                    break;
                }
                if (statusLine.isEmpty()) {
                    continue;
                }
                String[] parts = statusLine.split(" ", 3);
                statuses.add(parts.length > 1 && parts[1].matches("\\d{3}") ? Integer.parseInt(parts[1]) : -1);
                StringBuilder head = new StringBuilder();
                long length = -1;
                boolean chunked = false;
                boolean closeAfter = false;
                for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
                    String lower = h.toLowerCase(Locale.ROOT);
                    head.append(lower).append('\n');
                    if (lower.startsWith("content-length:")) {
                        length = Long.parseLong(lower.substring(15).strip());
                    } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                        chunked = true;
                    } else if (lower.startsWith("connection:") && lower.contains("close")) {
                        closeAfter = true;
                    }
                }
                headers.add(head.toString());
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                if (chunked) {
                    for (String size = line(in); size != null; size = line(in)) {
                        int n = Integer.parseInt(size.split(";")[0].strip(), 16);
                        if (n == 0) {
                            line(in);
                            break;
                        }
                        body.write(in.readNBytes(n));
                        line(in);
                    }
                } else if (length >= 0) {
                    body.write(in.readNBytes((int) length));
                } else if (closeAfter) {
                    body.write(in.readAllBytes());
                }
                bodies.add(body.toString(StandardCharsets.ISO_8859_1));
            }
        } catch (SocketTimeoutException e) {
            // idle: the server keeps the connection open and has nothing more to say
        } catch (SocketException | javax.net.ssl.SSLException e) {
            closed = true; // reset, or (over TLS) closed without a close_notify
        }
        return new Exchange(statuses, bodies, headers, closed, (System.nanoTime() - start) / 1_000_000);
    }

    /** One line without its CRLF (ISO-8859-1), or null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                break;
            }
            out.write(c);
        }
        if (c == -1 && out.size() == 0) {
            return null;
        }
        String s = out.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    static byte[] bytes(String... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String p : parts) {
            out.writeBytes(p.getBytes(StandardCharsets.ISO_8859_1));
        }
        return out.toByteArray();
    }
}
