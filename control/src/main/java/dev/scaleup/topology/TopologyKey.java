package dev.scaleup.topology;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Every key of {@code scaleup.yaml}, in documentation order: its section, its name, the values it takes, its default
 * (as it would be written in the file) and the names people write for it. {@link TopologyBinder}'s allowed keys,
 * defaults, value checks and synonyms all come from this one list. A new section (backup, monitoring, target) is a
 * {@link Section} constant and its keys here, its record (with its defaults) as a component of {@link Topology}, the
 * line in the binder that builds it, and its entry in the running deployment's topology.json.
 */
enum TopologyKey {
    NAME(Section.TOP, "name", new Shape.Text(Shape.NAME, "a lowercase letter then at most 7 lowercase letters or"
            + " digits ([a-z][a-z0-9]{0,7}; interface names are made from it and Linux allows 15 characters)"), "scaleup"),
    /** netns: every host a network namespace on this machine; hosts: Debian servers listed under hosts, over SSH. */
    TARGET(Section.TOP, "target", Shape.CUSTOM, "netns"),
    NETWORK_SUBNET(Section.NETWORK, "subnet", Shape.CUSTOM, "198.18.0.0/24", "cidr"),
    /** Default: the subnet's {@link Network#DEFAULT_VIP_OFFSET}. */
    NETWORK_VIP(Section.NETWORK, "vip", Shape.CUSTOM, null),
    /** Hosts target only: the interface the servers talk on and the load balancers hold the VIP on. */
    NETWORK_INTERFACE(Section.NETWORK, "interface", new Shape.Text(Shape.INTERFACE, "a network interface name:"
            + " a letter or digit then at most 14 letters, digits, '_', '.' or '-' (eth0, ens3, host0)"), null, "iface",
            "dev", "device"),
    SSH_USER(Section.SSH, "user", Shape.LOGIN, "root", "username", "login"),
    SSH_PORT(Section.SSH, "port", Shape.PORT, "22"),
    /** Required on the hosts target. */
    SSH_KEY(Section.SSH, "key", new Shape.File(), null, "identity", "identity_file", "private_key", "key_file"),
    SSH_SUDO(Section.SSH, "sudo", new Shape.Bool(), "false", "become"),
    /** Optional: the servers' host keys, already known (a lab's); else learned at the first connection. */
    SSH_KNOWN_HOSTS(Section.SSH, "known_hosts", new Shape.File(), null, "user_known_hosts_file", "known_hosts_file"),
    /** Required; the other keys of a host default to the ssh section's. */
    HOST_ADDRESS(Section.HOST, "address", Shape.CUSTOM, null, "ip", "addr"),
    HOST_SSH_USER(Section.HOST, "ssh_user", Shape.LOGIN, null, "user"),
    HOST_SSH_PORT(Section.HOST, "ssh_port", Shape.PORT, null, "port"),
    HOST_SSH_KEY(Section.HOST, "ssh_key", new Shape.File(), null, "key"),
    HOST_SUDO(Section.HOST, "sudo", new Shape.Bool(), null, "become"),
    LB_COUNT(Section.LB, "count", new Shape.IntRange(2, 2), "2"),
    LB_PORT(Section.LB, "port", Shape.PORT, "80"),
    /**
     * HAProxy's threads (nbthread). Default 1: on this 2-core machine, shared by every host of the stack, one thread
     * spent about a fifth less CPU a request than two at the same rate (docs/BENCHMARKS.md).
     */
    LB_THREADS(Section.LB, "threads", new Shape.IntRange(1, 64), "1", "nbthread"),
    LB_HTTPS_PORT(Section.LB, "https_port", Shape.PORT, "443"),
    LB_HTTPS_REDIRECT(Section.LB, "https_redirect", new Shape.Bool(), "true"),
    LB_RATE_LIMIT(Section.LB, "rate_limit_per_10s", new Shape.IntRange(0, 1_000_000), "0"),
    /**
     * Default 30, below what the app tier hashes in 10 s on a small machine (about 65 on the 2 shared cores here), so a
     * flood is refused instead of queued; a user setup takes two per user and waits on 429 as told.
     */
    LB_AUTH_RATE_LIMIT(Section.LB, "auth_rate_limit_per_10s", new Shape.IntRange(0, 1_000_000), "30"),
    /** Default: the deployment's name + {@code .test}. */
    LB_TLS_NAME(Section.LB, "tls_name", new Shape.Text(Shape.DNS_NAME, "a DNS name in lowercase (labels of letters,"
            + " digits and inner hyphens, separated by dots)"), null),
    LB_TLS_CERT(Section.LB, "tls_cert", new Shape.File(), null),
    LB_TLS_KEY(Section.LB, "tls_key", new Shape.File(), null),
    WEB_COUNT(Section.WEB, "count", new Shape.IntRange(1, Role.WEB.capacity()), "2"),
    WEB_PORT(Section.WEB, "port", Shape.PORT, "80"),
    APP_COUNT(Section.APP, "count", new Shape.IntRange(1, Role.APP.capacity()), "3"),
    APP_PORT(Section.APP, "port", Shape.PORT, "8080"),
    APP_HEAP_MB(Section.APP, "heap_mb", new Shape.IntRange(32, 4096), "128", "xmx", "heap", "memory"),
    DB_REPLICAS(Section.DB, "replicas", new Shape.IntRange(0, Role.DB.capacity() - 1), "2", "count", "replicacount"),
    DB_PORT(Section.DB, "port", Shape.PORT, "5432"),
    DB_NAME(Section.DB, "name", Shape.IDENTIFIER, "app", "database", "dbname"),
    DB_USER(Section.DB, "user", Shape.IDENTIFIER, "app", "username"),
    /** PgBouncer on every db host (transaction pooling); the netns target only, for now. */
    DB_POOLER(Section.DB, "pooler", new Shape.Bool(), "true", "pgbouncer", "pooling", "connection_pooler"),
    /** On by default; on the hosts target the default is whether backup1 is listed. */
    BACKUP_ENABLED(Section.BACKUP, "enabled", new Shape.Bool(), "true", "enable"),
    BACKUP_RETENTION_FULL(Section.BACKUP, "retention_full", new Shape.IntRange(1, 100), "2", "retention", "keep",
            "full_retention", "repo1_retention_full"),
    /** Seconds; PostgreSQL's archive_timeout. */
    BACKUP_ARCHIVE_TIMEOUT(Section.BACKUP, "archive_timeout", new Shape.IntRange(1, 3600), "60", "archive_timeout_s",
            "archive_timeout_seconds"),
    /** Minutes; 0 = never. A week by default. */
    BACKUP_FULL_EVERY(Section.BACKUP, "full_every_minutes", new Shape.IntRange(0, 525_600), "10080", "full_every",
            "full_interval", "full_schedule", "schedule_full"),
    /** Minutes; 0 = never. A day by default. */
    BACKUP_INCR_EVERY(Section.BACKUP, "incr_every_minutes", new Shape.IntRange(0, 525_600), "1440", "incr_every",
            "incr_interval", "incr_schedule", "schedule_incr"),
    /** On by default on the netns target; the hosts target has no monitoring host yet. */
    MONITORING_ENABLED(Section.MONITORING, "enabled", new Shape.Bool(), "true", "enable"),
    /** Seconds between two scrapes of every target, and between two evaluations of the alert rules. */
    MONITORING_SCRAPE_INTERVAL(Section.MONITORING, "scrape_interval", new Shape.IntRange(1, 60), "2",
            "scrape_interval_s", "scrape_interval_seconds", "interval"),
    /** Relative to the repository root when defaulted, to the file when set. */
    SITE(Section.TOP, "site", Shape.CUSTOM, "site");

    /** A mapping of the file: the top level or one of its sections. */
    enum Section {
        TOP(""), NETWORK("network"), SSH("ssh"),
        /** One host's mapping under {@code hosts:} (keyed by the host's name, so its keys' paths are hosts.NAME.key). */
        HOST("hosts"),
        LB("lb"), WEB("web"), APP("app"), DB("db"), BACKUP("backup"), MONITORING("monitoring");

        private final String path;

        Section(String path) {
            this.path = path;
        }

        /** "" for the top level, else the section's key. */
        String path() {
            return path;
        }

        /** The keys allowed in this mapping, in documentation order; the top level's include the sections. */
        List<String> allowed() {
            return ALLOWED.get(this);
        }

        static Optional<Section> byPath(String path) {
            return Arrays.stream(values()).filter(s -> s.path.equals(path)).findFirst();
        }
    }

    /** What values a key takes; {@link ValueReader} reads each shape its own way, the binder the custom ones. */
    sealed interface Shape {
        Pattern NAME = Pattern.compile("[a-z][a-z0-9]{0,7}");
        /** Dot-separated labels of lowercase letters, digits and inner hyphens. */
        Pattern DNS_NAME = Pattern.compile("(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
        IntRange PORT = new IntRange(1, 65535);
        Pattern INTERFACE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,14}");
        /** A login name as Debian's adduser accepts it by default. */
        Text LOGIN = new Text(Pattern.compile("[a-z_][a-z0-9_-]{0,31}"), "a login name: a lowercase letter or '_'"
                + " then at most 31 lowercase letters, digits, '_' or '-'");
        /** A PostgreSQL identifier, as scaleup writes them unquoted into SQL. */
        Text IDENTIFIER = new Text(Pattern.compile("[a-z_][a-z0-9_]{0,62}"), "a PostgreSQL identifier: a lowercase"
                + " letter or '_' then at most 62 lowercase letters, digits or '_' ([a-z_][a-z0-9_]{0,62})");
        /** Read by code of its own in the binder (a subnet, an address, a directory). */
        Custom CUSTOM = new Custom();

        /** An integer in [min, max]. */
        record IntRange(int min, int max) implements Shape {}

        record Bool() implements Shape {}

        /** A string matching {@code pattern}; {@code description} says what that is, after "must be". */
        record Text(Pattern pattern, String description) implements Shape {}

        /** A readable file, relative to the topology file or absolute; empty means none. */
        record File() implements Shape {}

        record Custom() implements Shape {}
    }

    private static final Map<Section, List<String>> ALLOWED = allowedKeys();

    private final Section section;
    private final String key;
    private final Shape shape;
    private final String defaultText;
    private final List<String> synonyms;

    TopologyKey(Section section, String key, Shape shape, String defaultText, String... synonyms) {
        this.section = section;
        this.key = key;
        this.shape = shape;
        this.defaultText = defaultText;
        this.synonyms = List.of(synonyms);
    }

    Section section() {
        return section;
    }

    /** The key within its section, e.g. {@code port}. */
    String key() {
        return key;
    }

    /** The dotted path, e.g. {@code db.port}. */
    String path() {
        return section == Section.TOP ? key : section.path() + "." + key;
    }

    Shape shape() {
        return shape;
    }

    /** The default as written in the file; null when it is derived from other keys (see the constant). */
    String defaultText() {
        return defaultText;
    }

    int defaultInt() {
        return Integer.parseInt(defaultText);
    }

    boolean defaultBool() {
        return Boolean.parseBoolean(defaultText);
    }

    /**
     * The key people mean by {@code writtenPath} where spelling distance does not find it ({@code db.count} is
     * {@code db.replicas}); the dotted path as written, compared normalized (see {@link DidYouMean}).
     */
    static Optional<TopologyKey> synonym(String writtenPath) {
        String normalized = DidYouMean.normalize(writtenPath);
        return Arrays.stream(values())
                .filter(k -> k.synonyms.stream().anyMatch(s -> (k.section.path() + "." + s).equals(normalized)))
                .findFirst();
    }

    private static Map<Section, List<String>> allowedKeys() {
        Map<Section, List<String>> allowed = new LinkedHashMap<>();
        for (Section section : Section.values()) {
            allowed.put(section, new ArrayList<>());
        }
        for (TopologyKey k : values()) {
            List<String> top = allowed.get(Section.TOP);
            String atTop = k.section == Section.TOP ? k.key : k.section.path();
            if (!top.contains(atTop)) {
                top.add(atTop);
            }
            if (k.section != Section.TOP) {
                allowed.get(k.section).add(k.key);
            }
        }
        allowed.replaceAll((section, keys) -> List.copyOf(keys));
        return Map.copyOf(allowed);
    }
}
