package dev.scaleup.it;

import dev.scaleup.runtime.Exec;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The openssl command line, as a TLS client that offers exactly what it is told to, and as a server of old protocols. */
final class Openssl {

    private Openssl() {
    }

    /** Runs an openssl command with no system config (so the client offers what it is told to), stdin closed. */
    static String run(List<String> args) {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("OPENSSL_CONF", "/dev/null");
        try {
            Process p = builder.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(20, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** openssl s_server on loopback that accepts every protocol version openssl has, for one connection. */
    static final class Server implements AutoCloseable {
        private final Process process;
        private final int port;

        private Server(Process process, int port) {
            this.process = process;
            this.port = port;
        }

        /** Starts one with a self-signed certificate made in {@code dir}. */
        static Server start(Path dir) throws Exception {
            Files.createDirectories(dir);
            Exec.run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    dir.resolve("k.pem").toString(), "-out", dir.resolve("c.pem").toString(), "-days", "1", "-subj", "/CN=control"))
                    .orThrow();
            int port;
            try (var probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            ProcessBuilder builder = new ProcessBuilder("openssl", "s_server", "-accept", "127.0.0.1:" + port,
                    "-cert", dir.resolve("c.pem").toString(), "-key", dir.resolve("k.pem").toString(),
                    "-cipher", "ALL:@SECLEVEL=0", "-naccept", "1").redirectErrorStream(true);
            builder.environment().put("OPENSSL_CONF", "/dev/null");
            Process process = builder.start(); // stdin stays open: s_server ends at its end
            var reader = new BufferedReader(new InputStreamReader(process.getInputStream()));
            for (String line = reader.readLine(); line != null && !line.equals("ACCEPT"); line = reader.readLine()) {
                // waiting until it listens
            }
            Thread.ofVirtual().start(() -> {
                try {
                    reader.transferTo(Writer.nullWriter());
                } catch (IOException ignored) {
                    // it ended
                }
            });
            return new Server(process, port);
        }

        String address() {
            return "127.0.0.1:" + port;
        }

        @Override
        public void close() {
            process.destroy();
        }
    }
}
