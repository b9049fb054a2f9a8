package dev.scaleup.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.scaleup.ops.Deployment;
import dev.scaleup.ops.MonitoringApi;
import dev.scaleup.ops.OperatorException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The dashboard's web server: the page (HTML, CSS and JavaScript from the jar, nothing from a CDN) and two JSON
 * endpoints it polls, {@code /api/state} ({@link DashboardData}) and {@code /api/series} (the charts' last minutes),
 * both read from the monitoring host. Binds one address (127.0.0.1 by default): it has no authentication of its own.
 */
public final class DashboardServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> FILES = Map.of("/", "index.html", "/index.html", "index.html",
            "/dashboard.js", "dashboard.js", "/dashboard.css", "dashboard.css");

    private final Deployment deployment;
    private final MonitoringApi api;
    private final HttpServer server;

    public DashboardServer(Deployment deployment, MonitoringApi api, String bind, int port) throws IOException {
        this.deployment = deployment;
        this.api = api;
        this.server = HttpServer.create(new InetSocketAddress(bind, port), 16);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", this::handle);
    }

    public void start() {
        server.start();
    }

    /** The port it listens on (the one asked for, or the one the system chose for 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                send(exchange, 405, "application/json", error("only GET"));
                return;
            }
            switch (path) {
                case "/api/state" -> sendJson(exchange, () -> DashboardData.snapshot(deployment.topology(),
                        api::query, api.firing(), deployment.state().real()));
                case "/api/series" -> sendJson(exchange, this::series);
                default -> {
                    String file = FILES.get(path);
                    if (file == null) {
                        send(exchange, 404, "application/json", error("no such page: " + path));
                        return;
                    }
                    try (InputStream in = DashboardServer.class.getResourceAsStream(file)) {
                        if (in == null) {
                            send(exchange, 500, "application/json", error("the jar lacks " + file));
                            return;
                        }
                        send(exchange, 200, contentType(file), in.readAllBytes());
                    }
                }
            }
        }
    }

    private Map<String, Object> series() {
        List<Object> series = new ArrayList<>();
        for (Map.Entry<String, String> e : DashboardData.SERIES.entrySet()) {
            List<Object> points = new ArrayList<>();
            JsonNode matrix = api.queryRange(e.getValue(), 300, 2);
            if (!matrix.isEmpty()) {
                for (JsonNode v : matrix.get(0).path("values")) {
                    double value = Double.parseDouble(v.get(1).asText());
                    points.add(List.of(v.get(0).asDouble(), Double.isFinite(value) ? value : 0));
                }
            }
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("name", e.getKey());
            one.put("points", points);
            series.add(one);
        }
        return Map.of("series", series);
    }

    private interface Body {
        Object get();
    }

    private static void sendJson(HttpExchange exchange, Body body) throws IOException {
        try {
            send(exchange, 200, "application/json", JSON.writeValueAsBytes(body.get()));
        } catch (OperatorException e) {
            // the monitoring host does not answer: the page says so and asks again
            send(exchange, 503, "application/json", error("the monitoring host does not answer: " + e.getMessage()));
        }
    }

    private static byte[] error(String reason) {
        try {
            return JSON.writeValueAsBytes(Map.of("error", reason));
        } catch (IOException e) {
            return "{}".getBytes(StandardCharsets.UTF_8);
        }
    }

    private static String contentType(String file) {
        return file.endsWith(".html") ? "text/html; charset=utf-8" : file.endsWith(".js")
                ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
