package dev.scaleup.app;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in front of one app server that passes every request on, waits until the app starts to answer (it
 * answers a write only after the commit) and then closes the client's connection without passing the answer on: what
 * nginx or HAProxy see when an app server or the network dies right after the write committed.
 */
final class AnswerDroppingProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final int appPort;
    private final List<String> swallowed = new CopyOnWriteArrayList<>();

    AnswerDroppingProxy(int appPort) throws IOException {
        this.appPort = appPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("dropping-proxy").start(this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** The status line of every answer the proxy swallowed, in order. */
    List<String> swallowed() {
        return List.copyOf(swallowed);
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Thread.ofVirtual().start(() -> relay(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void relay(Socket client) {
        try (client; Socket app = new Socket(InetAddress.getLoopbackAddress(), appPort)) {
            Thread.ofVirtual().start(() -> {
                try {
                    client.getInputStream().transferTo(app.getOutputStream());
                } catch (IOException e) {
                    // one side closed: the relay below ends it
                }
            });
            InputStream fromApp = app.getInputStream();
            byte[] buffer = new byte[8192];
            int n = fromApp.read(buffer);
            if (n > 0) {
                String answer = new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
                swallowed.add(answer.lines().findFirst().orElse(""));
            }
        } catch (IOException e) {
            swallowed.add("relay failed: " + e);
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
