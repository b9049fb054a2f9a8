package dev.scaleup.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Monitoring;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The monitoring host's APIs as the control plane reads them: Alertmanager's alerts ({@code /api/v2/alerts}) and
 * Prometheus's targets ({@code /api/v1/targets}) and queries ({@code /api/v1/query}).
 */
public final class MonitoringApi {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final Host mon;

    private MonitoringApi(Host mon) {
        this.mon = mon;
    }

    /** The deployment's monitoring host's APIs, or empty without monitoring. */
    public static Optional<MonitoringApi> of(Topology t) {
        return t.monitoring().enabled() ? t.hosts(Role.MON).stream().findFirst().map(MonitoringApi::new)
                : Optional.empty();
    }

    /**
     * One alert Alertmanager holds.
     *
     * @param name the rule's name
     * @param host the host label (empty for a stack-wide alert)
     * @param severity page or ticket
     * @param summary what the rule says happened
     * @param startsAt when it started firing
     */
    public record Alert(String name, String host, String severity, String summary, Instant startsAt) {

        /** "WebHostDown web1", or the name alone. */
        public String label() {
            return host.isEmpty() ? name : name + " " + host;
        }

        /** The alert as `alerts --json` and the dashboard give it: name, host (null for none), severity, since, summary. */
        public java.util.Map<String, Object> toMap() {
            java.util.Map<String, Object> alert = new java.util.LinkedHashMap<>();
            alert.put("name", name);
            alert.put("host", host.isEmpty() ? null : host);
            alert.put("severity", severity);
            alert.put("since", startsAt.toString());
            alert.put("summary", summary);
            return alert;
        }
    }

    public String prometheusUrl() {
        return "http://" + mon.address() + ":" + Monitoring.PROMETHEUS_PORT;
    }

    public String alertmanagerUrl() {
        return "http://" + mon.address() + ":" + Monitoring.ALERTMANAGER_PORT;
    }

    /** The alerts firing now (not silenced, not inhibited). */
    public List<Alert> firing() {
        JsonNode alerts = get(alertmanagerUrl() + "/api/v2/alerts?active=true&silenced=false&inhibited=false");
        List<Alert> list = new ArrayList<>();
        for (JsonNode a : alerts) {
            if (!"active".equals(a.path("status").path("state").asText())) {
                continue;
            }
            JsonNode labels = a.path("labels");
            list.add(new Alert(labels.path("alertname").asText(), labels.path("host").asText(""),
                    labels.path("severity").asText(""), a.path("annotations").path("summary").asText(""),
                    Instant.parse(a.path("startsAt").asText())));
        }
        list.sort(java.util.Comparator.comparing(Alert::startsAt).thenComparing(Alert::label));
        return List.copyOf(list);
    }

    /** Prometheus's scrape targets: how many are up, and the "job host" of each that is not. */
    public record Targets(int up, int total, List<String> down) {}

    public Targets targets() {
        JsonNode active = get(prometheusUrl() + "/api/v1/targets?state=active").path("data").path("activeTargets");
        int up = 0;
        List<String> down = new ArrayList<>();
        for (JsonNode target : active) {
            if ("up".equals(target.path("health").asText())) {
                up++;
            } else {
                down.add(target.path("labels").path("job").asText() + " "
                        + target.path("labels").path("host").asText());
            }
        }
        return new Targets(up, active.size(), List.copyOf(down));
    }

    /** An instant query's result vector, as Prometheus returns it ({@code data.result}). */
    public JsonNode query(String promql) {
        return get(prometheusUrl() + "/api/v1/query?query="
                + java.net.URLEncoder.encode(promql, java.nio.charset.StandardCharsets.UTF_8)).path("data").path("result");
    }

    /** A range query's result matrix ({@code data.result}): the last {@code seconds}, a point every {@code step} s. */
    public JsonNode queryRange(String promql, long seconds, int step) {
        long end = Instant.now().getEpochSecond();
        return get(prometheusUrl() + "/api/v1/query_range?query="
                + java.net.URLEncoder.encode(promql, java.nio.charset.StandardCharsets.UTF_8) + "&start=" + (end - seconds)
                + "&end=" + end + "&step=" + step).path("data").path("result");
    }

    private static JsonNode get(String url) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new OperatorException(url + " answered " + response.statusCode());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new OperatorException(url + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperatorException("interrupted");
        }
    }
}
