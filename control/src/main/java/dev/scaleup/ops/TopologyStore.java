package dev.scaleup.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.scaleup.topology.App;
import dev.scaleup.topology.Backup;
import dev.scaleup.topology.Monitoring;
import dev.scaleup.topology.Db;
import dev.scaleup.topology.Edge;
import dev.scaleup.topology.Ipv4;
import dev.scaleup.topology.Lb;
import dev.scaleup.topology.Network;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Server;
import dev.scaleup.topology.Servers;
import dev.scaleup.topology.Ssh;
import dev.scaleup.topology.Subnet;
import dev.scaleup.topology.Topology;
import dev.scaleup.topology.Web;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Keeps the topology a deployment runs in its state directory, in the shape of scaleup.yaml, as JSON. */
public final class TopologyStore {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TopologyStore() {
    }

    public static String toJson(Topology t) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("name", t.name());
        if (t.onServers()) {
            root.put("target", t.target());
        }
        Map<String, Object> network = ordered("subnet", t.network().subnet().toString(), "vip", t.network().vip().toString());
        if (t.onServers()) {
            network.put("interface", t.hostInterface());
            root.put("hosts", servers(t.servers()));
        }
        root.put("network", network);
        Map<String, Object> lb = ordered("count", t.lb().count(), "port", t.lb().port());
        lb.put("threads", t.lb().threads());
        // security: the edge settings (TLS, redirect, rate limit)
        lb.put("https_port", t.lb().edge().httpsPort());
        lb.put("https_redirect", t.lb().edge().httpsRedirect());
        lb.put("rate_limit_per_10s", t.lb().edge().rateLimitPer10s());
        lb.put("auth_rate_limit_per_10s", t.lb().edge().authRateLimitPer10s());
        lb.put("tls_name", t.lb().edge().tlsName());
        lb.put("tls_cert", t.lb().edge().tlsCert() == null ? null : t.lb().edge().tlsCert().toString());
        lb.put("tls_key", t.lb().edge().tlsKey() == null ? null : t.lb().edge().tlsKey().toString());
        root.put("lb", lb);
        root.put("web", ordered("count", t.web().count(), "port", t.web().port()));
        Map<String, Object> app = ordered("count", t.app().count(), "port", t.app().port());
        app.put("heap_mb", t.app().heapMb());
        root.put("app", app);
        Map<String, Object> db = ordered("replicas", t.db().replicas(), "port", t.db().port());
        db.put("name", t.db().name());
        db.put("user", t.db().user());
        db.put("pooler", t.db().pooler());
        root.put("db", db);
        Map<String, Object> backup = ordered("enabled", t.backup().enabled(), "retention_full", t.backup().retentionFull());
        backup.put("archive_timeout", t.backup().archiveTimeoutSeconds());
        backup.put("full_every_minutes", t.backup().fullEveryMinutes());
        backup.put("incr_every_minutes", t.backup().incrEveryMinutes());
        root.put("backup", backup);
        root.put("monitoring", ordered("enabled", t.monitoring().enabled(), "scrape_interval",
                t.monitoring().scrapeIntervalSeconds()));
        root.put("site", t.site().toString());
        root.put("source", t.source() == null ? null : t.source().toString());
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Topology fromJson(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            JsonNode lb = n.path("lb");
            JsonNode db = n.path("db");
            return new Topology(n.path("name").asText(),
                    new Network(Subnet.parse(n.path("network").path("subnet").asText()),
                            Ipv4.parse(n.path("network").path("vip").asText())),
                    new Lb(lb.path("count").asInt(), lb.path("port").asInt(),
                            lb.path("threads").asInt(Lb.defaultThreads()), edge(lb, n.path("name").asText())),
                    new Web(n.path("web").path("count").asInt(), n.path("web").path("port").asInt()),
                    new App(n.path("app").path("count").asInt(), n.path("app").path("port").asInt(),
                            n.path("app").path("heap_mb").asInt()),
                    new Db(db.path("replicas").asInt(), db.path("port").asInt(), db.path("name").asText(),
                            db.path("user").asText(), db.path("pooler").asBoolean(false)),
                    backup(n.path("backup")),
                    monitoring(n.path("monitoring")),
                    Path.of(n.path("site").asText()),
                    n.path("source").isNull() || n.path("source").isMissingNode() ? null : Path.of(n.path("source").asText()),
                    n.path("target").asText("netns").equals("hosts")
                            ? servers(n.path("network").path("interface").asText(), n.path("hosts")) : null);
        } catch (IOException | RuntimeException e) {
            throw new OperatorException("the state directory's topology.json is unreadable: " + e.getMessage(), e);
        }
    }

    /**
     * The backup section; state directories written before it existed had no backup host (off), those written before
     * the schedule existed took backups only when told (none scheduled).
     */
    private static Backup backup(JsonNode backup) {
        return new Backup(backup.path("enabled").asBoolean(false),
                backup.path("retention_full").asInt(Backup.DEFAULTS.retentionFull()),
                backup.path("archive_timeout").asInt(Backup.DEFAULTS.archiveTimeoutSeconds()),
                backup.path("full_every_minutes").asInt(0), backup.path("incr_every_minutes").asInt(0));
    }

    /** The monitoring section; state directories written before it existed had no monitoring host (off). */
    private static Monitoring monitoring(JsonNode monitoring) {
        return new Monitoring(monitoring.path("enabled").asBoolean(false),
                monitoring.path("scrape_interval").asInt(Monitoring.DEFAULTS.scrapeIntervalSeconds()));
    }

    /** The edge settings; state directories written before they existed get the defaults. */
    private static Edge edge(JsonNode lb, String name) {
        Edge defaults = Edge.defaults(name);
        return new Edge(lb.path("https_port").asInt(defaults.httpsPort()),
                lb.path("https_redirect").asBoolean(defaults.httpsRedirect()),
                lb.path("rate_limit_per_10s").asInt(defaults.rateLimitPer10s()),
                lb.path("auth_rate_limit_per_10s").asInt(defaults.authRateLimitPer10s()),
                lb.path("tls_name").asText(defaults.tlsName()),
                lb.path("tls_cert").isTextual() ? Path.of(lb.path("tls_cert").asText()) : null,
                lb.path("tls_key").isTextual() ? Path.of(lb.path("tls_key").asText()) : null);
    }

    /** Each listed server with the ssh settings it ends up with (the section's defaults applied). */
    private static Map<String, Object> servers(Servers servers) {
        Map<String, Object> hosts = new LinkedHashMap<>();
        for (Server s : servers.listed()) {
            Map<String, Object> host = ordered("address", s.address().toString(), "ssh_user", s.ssh().user());
            host.put("ssh_port", s.ssh().port());
            host.put("ssh_key", s.ssh().key().toString());
            host.put("sudo", s.ssh().sudo());
            if (s.ssh().knownHosts() != null) {
                host.put("ssh_known_hosts", s.ssh().knownHosts().toString());
            }
            hosts.put(s.name(), host);
        }
        return hosts;
    }

    private static Servers servers(String netInterface, JsonNode hosts) {
        List<Server> listed = new ArrayList<>();
        hosts.fields().forEachRemaining(e -> {
            Role role = Arrays.stream(Role.values()).filter(r -> e.getKey().matches(r.prefix() + "[0-9]+")).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("not a host name: " + e.getKey()));
            JsonNode h = e.getValue();
            listed.add(new Server(e.getKey(), role, Integer.parseInt(e.getKey().substring(role.prefix().length())),
                    Ipv4.parse(h.path("address").asText()), new Ssh(h.path("ssh_user").asText(),
                    h.path("ssh_port").asInt(), Path.of(h.path("ssh_key").asText()), h.path("sudo").asBoolean(),
                    h.path("ssh_known_hosts").isTextual() ? Path.of(h.path("ssh_known_hosts").asText()) : null)));
        });
        return new Servers(netInterface, listed);
    }

    /** Replaces the file atomically: status and down read it at any moment, and a crash must not leave half of it. */
    public static void save(Topology topology, Path file) {
        dev.scaleup.runtime.StateDir.writeAtomically(file, toJson(topology));
    }

    public static Topology load(Path file) {
        try {
            return fromJson(Files.readString(file));
        } catch (IOException e) {
            throw new OperatorException("no deployment at " + file.getParent() + " (" + file.getFileName() + " missing)");
        }
    }

    private static Map<String, Object> ordered(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put(k1, v1);
        map.put(k2, v2);
        return map;
    }
}
