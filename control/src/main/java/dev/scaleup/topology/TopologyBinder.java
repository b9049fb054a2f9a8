package dev.scaleup.topology;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks a {@link YamlNode} tree against the shape of {@code scaleup.yaml} and binds it to a {@link Topology}.
 * Every problem goes to {@link Problems}, one line each; a bad value is noted and replaced by its default so the
 * rest of the file is still checked.
 */
final class TopologyBinder {

    static final String DEFAULT_NAME = "scaleup";
    static final Subnet DEFAULT_SUBNET = Subnet.parse("198.18.0.0/24");
    /** The VIP's default is this offset in whatever subnet is configured: 198.18.0.100 in the default one. */
    static final int DEFAULT_VIP_OFFSET = 100;
    static final int LB_COUNT = 2;
    static final int DEFAULT_LB_PORT = 80;
    static final int DEFAULT_WEB_COUNT = 2;
    static final int DEFAULT_WEB_PORT = 80;
    static final int DEFAULT_APP_COUNT = 3;
    static final int DEFAULT_APP_PORT = 8080;
    static final int DEFAULT_APP_HEAP_MB = 128;
    static final int MIN_APP_HEAP_MB = 32;
    static final int MAX_APP_HEAP_MB = 4096;
    static final int DEFAULT_DB_REPLICAS = 1;
    static final int DEFAULT_DB_PORT = 5432;
    static final String DEFAULT_DB_NAME = "app";
    static final String DEFAULT_DB_USER = "app";
    /** The site's default directory, relative to the repository root. */
    static final String DEFAULT_SITE = "site";

    /** Allowed keys: "" for the top level, then each section, in documentation order. */
    static final Map<String, List<String>> KEYS = keys();

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]{0,7}");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern QUOTED_INTEGER = Pattern.compile("\\s*[-+]?[0-9]+\\s*");
    private static final List<String> RESERVED_DB_USERS = List.of("postgres", "replicator");
    /** A DNS name: dot-separated labels of lowercase letters, digits and inner hyphens. */
    private static final Pattern DNS_NAME = Pattern.compile("(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    static final int MAX_RATE_LIMIT = 1_000_000;

    /** Keys people write for ours that spelling distance does not find, normalized (see DidYouMean): path to our key. */
    private static final Map<String, String> SYNONYMS = Map.of(
            "db.count", "replicas",
            "db.replicacount", "replicas",
            "db.database", "name",
            "db.dbname", "name",
            "db.username", "user",
            "network.cidr", "subnet",
            "app.xmx", "heap_mb",
            "app.heap", "heap_mb",
            "app.memory", "heap_mb");

    private final Problems problems;
    private final Path baseDir;
    private final Path repoRoot;
    private final boolean checkSiteExists;

    /**
     * @param baseDir the directory {@code site} is relative to: the file's directory
     * @param repoRoot where the default site ({@code repoRoot/site}) is
     */
    TopologyBinder(Problems problems, Path baseDir, Path repoRoot, boolean checkSiteExists) {
        this.problems = problems;
        this.baseDir = baseDir;
        this.repoRoot = repoRoot;
        this.checkSiteExists = checkSiteExists;
    }

    private static Map<String, List<String>> keys() {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        keys.put("", List.of("name", "network", "lb", "web", "app", "db", "site"));
        keys.put("network", List.of("subnet", "vip"));
        keys.put("lb", List.of("count", "port", "https_port", "https_redirect", "rate_limit_per_10s", "tls_name",
                "tls_cert", "tls_key"));
        keys.put("web", List.of("count", "port"));
        keys.put("app", List.of("count", "port", "heap_mb"));
        keys.put("db", List.of("replicas", "port", "name", "user"));
        return Collections.unmodifiableMap(keys);
    }

    /** The topology, or null when problems were found (they are in {@link Problems}). */
    Topology bind(YamlNode root, Path source) {
        Section top = topLevel(root);

        String name = string(top, "name", DEFAULT_NAME);
        if (name != null && !NAME.matcher(name).matches()) {
            add(top.get("name"), "'name' must be a lowercase letter then at most 7 lowercase letters or digits"
                    + " ([a-z][a-z0-9]{0,7}; interface names are made from it and Linux allows 15 characters), got %s", quote(name));
        }

        Section network = section(top, "network");
        Subnet subnet = subnet(network);
        Ipv4 vip = vip(network, subnet);

        Section lb = section(top, "lb");
        int lbCount = integer(lb, "count", LB_COUNT, LB_COUNT, LB_COUNT);
        int lbPort = port(lb, DEFAULT_LB_PORT);
        Edge edge = edge(lb, name != null && NAME.matcher(name).matches() ? name : DEFAULT_NAME, lbPort);

        Section web = section(top, "web");
        int webCount = integer(web, "count", DEFAULT_WEB_COUNT, 1, Role.WEB.capacity());
        int webPort = port(web, DEFAULT_WEB_PORT);

        Section app = section(top, "app");
        int appCount = integer(app, "count", DEFAULT_APP_COUNT, 1, Role.APP.capacity());
        int appPort = port(app, DEFAULT_APP_PORT);
        int appHeapMb = integer(app, "heap_mb", DEFAULT_APP_HEAP_MB, MIN_APP_HEAP_MB, MAX_APP_HEAP_MB);

        Section db = section(top, "db");
        int dbReplicas = integer(db, "replicas", DEFAULT_DB_REPLICAS, 0, Role.DB.capacity() - 1);
        int dbPort = port(db, DEFAULT_DB_PORT);
        String dbName = identifier(db, "name", DEFAULT_DB_NAME);
        String dbUser = identifier(db, "user", DEFAULT_DB_USER);
        if (dbUser != null && RESERVED_DB_USERS.contains(dbUser)) {
            add(db.get("user"), "'db.user' must not be 'postgres' or 'replicator' (scaleup uses them for the superuser"
                    + " and for replication), got %s", quote(dbUser));
        }

        Path site = site(top);

        if (!problems.isEmpty()) {
            return null;
        }
        return new Topology(name, subnet, vip, lbCount, lbPort, webCount, webPort, appCount, appPort, appHeapMb,
                dbReplicas, dbPort, dbName, dbUser, site, source, edge);
    }

    // ---- sections and keys

    /** The entries of one mapping of the file, checked for unknown and duplicate keys. */
    private final class Section {

        final String path;
        final List<String> allowed;
        private final Map<String, YamlNode.Entry> entries = new HashMap<>();

        Section(String path, List<YamlNode.Entry> list) {
            this.path = path;
            this.allowed = KEYS.get(path);
            for (YamlNode.Entry entry : list) {
                if (!allowed.contains(entry.key())) {
                    unknownKey(this, entry);
                    continue;
                }
                YamlNode.Entry first = entries.putIfAbsent(entry.key(), entry);
                if (first != null) {
                    problems.add(entry.line(), "duplicate key '" + path(entry.key()) + "' (first on line " + first.line()
                            + "); each key may appear once");
                }
            }
        }

        /** The first entry for the key, or null when the file leaves it out. */
        YamlNode.Entry get(String key) {
            return entries.get(key);
        }

        String path(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }

        String where() {
            return path.isEmpty() ? "at the top level" : "under '" + path + "'";
        }
    }

    private Section topLevel(YamlNode root) {
        if (root == null) {
            return new Section("", List.of()); // empty file: all defaults
        }
        if (root instanceof YamlNode.Mapping mapping) {
            return new Section("", mapping.entries());
        }
        problems.add(root.line(), "the top level must be a mapping with keys " + String.join(", ", KEYS.get(""))
                + ", got " + describe(root));
        return new Section("", List.of());
    }

    /** A section of the top level; absent or empty ({@code web:} with nothing under it) means all its defaults. */
    private Section section(Section top, String key) {
        YamlNode.Entry entry = top.get(key);
        if (entry == null || entry.value() instanceof YamlNode.Scalar s && s.kind() == YamlNode.Kind.NULL) {
            return new Section(key, List.of());
        }
        if (entry.value() instanceof YamlNode.Mapping mapping) {
            return new Section(key, mapping.entries());
        }
        problems.add(entry.line(), "'" + key + "' must be a mapping with keys " + String.join(", ", KEYS.get(key))
                + ", got " + describe(entry.value()));
        return new Section(key, List.of());
    }

    private void unknownKey(Section section, YamlNode.Entry entry) {
        String key = entry.key();
        String message = "unknown key '" + section.path(key) + "'";
        Optional<String> near = Optional.ofNullable(SYNONYMS.get(DidYouMean.normalize(section.path(key))))
                .or(() -> DidYouMean.nearest(key, section.allowed));
        List<String> elsewhere = elsewhere(section.path, key);
        if (near.isPresent()) {
            message += "; did you mean '" + section.path(near.get()) + "'? ";
        } else if (section.path.isEmpty() && key.contains(".") && KEYS.containsKey(key.substring(0, key.indexOf('.')))) {
            int dot = key.indexOf('.');
            message += "; write '" + key.substring(dot + 1) + "' indented under '" + key.substring(0, dot) + ":' instead of a dotted key; ";
        } else if (!elsewhere.isEmpty()) {
            message += "; did you mean " + orList(elsewhere) + "? ";
        } else {
            message += "; ";
        }
        problems.add(entry.line(), message + "allowed " + section.where() + ": " + String.join(", ", section.allowed));
    }

    /** Keys of other sections that {@code key} is near to, as dotted paths: 'subnet' at the top is 'network.subnet'. */
    private static List<String> elsewhere(String sectionPath, String key) {
        List<String> found = new ArrayList<>();
        KEYS.forEach((path, keys) -> {
            if (!path.isEmpty() && !path.equals(sectionPath)) {
                for (String k : keys) {
                    if (DidYouMean.nearest(key, List.of(k)).isPresent()) {
                        found.add(path + "." + k);
                    }
                }
            }
        });
        return found;
    }

    private static String orList(List<String> items) {
        List<String> quoted = items.stream().map(i -> "'" + i + "'").toList();
        if (quoted.size() == 1) {
            return quoted.get(0);
        }
        return String.join(", ", quoted.subList(0, quoted.size() - 1)) + " or " + quoted.get(quoted.size() - 1);
    }

    // ---- values

    /** An integer in [min, max]; the default when absent or invalid (then with a problem). */
    private int integer(Section section, String key, int defaultValue, int min, int max) {
        YamlNode.Entry entry = section.get(key);
        if (entry == null) {
            return defaultValue;
        }
        String path = section.path(key);
        if (!(entry.value() instanceof YamlNode.Scalar s) || s.kind() != YamlNode.Kind.INTEGER) {
            String got = describe(entry.value());
            if (entry.value() instanceof YamlNode.Scalar s && s.kind() == YamlNode.Kind.STRING
                    && QUOTED_INTEGER.matcher(s.text()).matches()) {
                got += " (a string because of the quotes; remove them)";
            }
            add(entry, "'%s' must be an integer, got %s", path, got);
            return defaultValue;
        }
        if (s.integer().compareTo(BigInteger.valueOf(min)) < 0 || s.integer().compareTo(BigInteger.valueOf(max)) > 0) {
            if (min == max) {
                add(entry, "'%s' must be %d, got %s", path, min, s.text());
            } else {
                add(entry, "'%s' must be between %d and %d, got %s", path, min, max, s.text());
            }
            return defaultValue;
        }
        return s.integer().intValue();
    }

    private int port(Section section, int defaultValue) {
        return integer(section, "port", defaultValue, 1, 65535);
    }

    /** The lb keys beyond count and port: TLS, redirect, rate limit. */
    private Edge edge(Section lb, String deploymentName, int lbPort) {
        Edge defaults = Edge.defaults(deploymentName);
        int httpsPort = integer(lb, "https_port", defaults.httpsPort(), 1, 65535);
        if (httpsPort == lbPort) {
            YamlNode.Entry at = lb.get("https_port") != null ? lb.get("https_port") : lb.get("port");
            add(at, "'lb.https_port' and 'lb.port' must differ (HTTPS and plain HTTP at the VIP), both are %d", lbPort);
        }
        boolean redirect = bool(lb, "https_redirect", defaults.httpsRedirect());
        int rateLimit = integer(lb, "rate_limit_per_10s", defaults.rateLimitPer10s(), 0, MAX_RATE_LIMIT);
        String tlsName = string(lb, "tls_name", defaults.tlsName());
        if (tlsName != null && !DNS_NAME.matcher(tlsName).matches()) {
            add(lb.get("tls_name"), "'lb.tls_name' must be a DNS name in lowercase (labels of letters, digits and inner"
                    + " hyphens, separated by dots), got %s", quote(tlsName));
            tlsName = defaults.tlsName();
        }
        boolean certGiven = given(lb, "tls_cert");
        if (certGiven != given(lb, "tls_key")) {
            add(lb.get(certGiven ? "tls_cert" : "tls_key"), "'lb.tls_cert' and 'lb.tls_key' go together: set both (your"
                    + " certificate chain and its key, PEM) or neither (scaleup makes a CA and a certificate for the VIP"
                    + " and lb.tls_name)");
        }
        Path cert = file(lb, "tls_cert");
        Path key = file(lb, "tls_key");
        if (cert == null || key == null) {
            cert = null;
            key = null;
        }
        return new Edge(httpsPort, redirect, rateLimit, tlsName == null ? defaults.tlsName() : tlsName, cert, key);
    }

    private static boolean given(Section section, String key) {
        YamlNode.Entry entry = section.get(key);
        return entry != null && !(entry.value() instanceof YamlNode.Scalar s && s.kind() == YamlNode.Kind.NULL);
    }

    /** true or false; the default when absent or invalid (then with a problem). */
    private boolean bool(Section section, String key, boolean defaultValue) {
        YamlNode.Entry entry = section.get(key);
        if (entry == null) {
            return defaultValue;
        }
        if (entry.value() instanceof YamlNode.Scalar s && s.kind() == YamlNode.Kind.BOOLEAN) {
            return List.of("true", "yes", "on", "y").contains(s.text().toLowerCase(Locale.ROOT));
        }
        add(entry, "'%s' must be true or false, got %s", section.path(key), describe(entry.value()));
        return defaultValue;
    }

    /**
     * A file path, relative to the topology file or absolute; null when absent or empty. When files are checked
     * ({@code checkSiteExists}) it must be a readable regular file.
     */
    private Path file(Section section, String key) {
        YamlNode.Entry entry = section.get(key);
        if (entry == null || entry.value() instanceof YamlNode.Scalar s && s.kind() == YamlNode.Kind.NULL) {
            return null;
        }
        String text = string(section, key, null);
        if (text == null) {
            return null;
        }
        Path path;
        try {
            path = baseDir.resolve(text).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            add(entry, "'%s' must be a file path, got %s (%s)", section.path(key), quote(text), e.getReason());
            return null;
        }
        if (checkSiteExists && !(Files.isRegularFile(path) && Files.isReadable(path))) {
            add(entry, "'%s' must be a readable file, got %s (resolves to %s, which %s)", section.path(key), quote(text),
                    path, Files.exists(path) ? "is not a readable regular file" : "does not exist");
            return null;
        }
        return path;
    }

    /** A string; the default when absent, null when invalid (then with a problem). */
    private String string(Section section, String key, String defaultValue) {
        YamlNode.Entry entry = section.get(key);
        if (entry == null) {
            return defaultValue;
        }
        if (entry.value() instanceof YamlNode.Scalar s && s.kind() == YamlNode.Kind.STRING) {
            return s.text();
        }
        String got = describe(entry.value());
        if (entry.value() instanceof YamlNode.Scalar s) {
            switch (s.kind()) {
                case BOOLEAN -> got = s.text() + " (YAML reads it as a boolean; quote it: '" + s.text() + "')";
                case INTEGER, FLOAT -> got = s.text() + " (a number; quote it: '" + s.text() + "')";
                default -> { }
            }
        }
        add(entry, "'%s' must be a string, got %s", section.path(key), got);
        return null;
    }

    /** A PostgreSQL identifier, as scaleup writes them unquoted into SQL. */
    private String identifier(Section section, String key, String defaultValue) {
        String value = string(section, key, defaultValue);
        if (value != null && !IDENTIFIER.matcher(value).matches()) {
            add(section.get(key), "'%s' must be a PostgreSQL identifier: a lowercase letter or '_' then at most 62"
                    + " lowercase letters, digits or '_' ([a-z_][a-z0-9_]{0,62}), got %s", section.path(key), quote(value));
            return null;
        }
        return value;
    }

    private Subnet subnet(Section network) {
        YamlNode.Entry entry = network.get("subnet");
        if (entry == null) {
            return DEFAULT_SUBNET;
        }
        String text = string(network, "subnet", null);
        if (text == null) {
            return null;
        }
        Subnet subnet = parseCidr(text.strip());
        if (subnet == null) {
            add(entry, "'network.subnet' must be a CIDR subnet like 198.18.0.0/24, got %s", quote(text));
            return null;
        }
        if (!AddressPlan.BENCHMARK_RANGE.contains(subnet.network())) {
            add(entry, "'network.subnet' must be inside %s, the range reserved for benchmarks (RFC 2544), got %s",
                    AddressPlan.BENCHMARK_RANGE, quote(text));
            return null;
        }
        if (subnet.prefix() < AddressPlan.MIN_PREFIX || subnet.prefix() > AddressPlan.MAX_PREFIX) {
            add(entry, "'network.subnet' must have a prefix between /%d and /%d (inside %s, and the address plan needs a /24), got %s",
                    AddressPlan.MIN_PREFIX, AddressPlan.MAX_PREFIX, AddressPlan.BENCHMARK_RANGE, quote(text));
            return null;
        }
        if (!subnet.base().equals(subnet.network())) {
            add(entry, "'network.subnet' must be a network address with no host bits set, got %s; did you mean %s?",
                    quote(text), subnet);
            return null;
        }
        return new Subnet(subnet.network(), subnet.prefix());
    }

    /** a.b.c.d/n with n in 0..32, host bits allowed (checked later, to say so); null when not of that form. */
    private static Subnet parseCidr(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            return null;
        }
        String prefix = text.substring(slash + 1);
        if (prefix.isEmpty() || prefix.length() > 2 || !prefix.chars().allMatch(c -> c >= '0' && c <= '9')
                || Integer.parseInt(prefix) > 32) {
            return null;
        }
        try {
            return new Subnet(Ipv4.parse(text.substring(0, slash)), Integer.parseInt(prefix));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The VIP; defaults to the subnet's .100. Null when invalid. */
    private Ipv4 vip(Section network, Subnet subnet) {
        YamlNode.Entry entry = network.get("vip");
        if (entry == null) {
            return (subnet == null ? DEFAULT_SUBNET : subnet).at(DEFAULT_VIP_OFFSET);
        }
        String text = string(network, "vip", null);
        if (text == null) {
            return null;
        }
        Ipv4 vip;
        try {
            vip = Ipv4.parse(text);
        } catch (IllegalArgumentException e) {
            add(entry, "'network.vip' must be an IPv4 address like 198.18.0.100, got %s", quote(text));
            return null;
        }
        if (subnet == null) {
            return vip; // the subnet's own problem is reported; nothing to check against
        }
        if (!subnet.contains(vip)) {
            add(entry, "'network.vip' must be inside network.subnet %s, got %s; free addresses there: %s",
                    subnet, quote(text), AddressPlan.freeRanges(subnet));
            return null;
        }
        Optional<String> reserved = AddressPlan.reservation(subnet, vip);
        if (reserved.isPresent()) {
            add(entry, "'network.vip' must be a free address of %s, got %s (%s); free: %s",
                    subnet, quote(text), reserved.get(), AddressPlan.freeRanges(subnet));
            return null;
        }
        return vip;
    }

    /** The static site's directory: relative to the file, or repoRoot/site when not set. */
    private Path site(Section top) {
        YamlNode.Entry entry = top.get("site");
        if (entry == null) {
            Path site = repoRoot.resolve(DEFAULT_SITE).toAbsolutePath().normalize();
            if (checkSiteExists && !Files.isDirectory(site)) {
                problems.add(0, "'site' is not set and its default " + site + " does not exist;"
                        + " set 'site' to the static site's directory, relative to this file");
            }
            return site;
        }
        String text = string(top, "site", null);
        if (text == null) {
            return null;
        }
        if (text.isBlank()) {
            add(entry, "'site' must be a directory path, relative to this file or absolute, got %s", quote(text));
            return null;
        }
        Path site;
        try {
            site = baseDir.resolve(text).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            add(entry, "'site' must be a directory path, got %s (%s)", quote(text), e.getReason());
            return null;
        }
        if (checkSiteExists && !Files.isDirectory(site)) {
            add(entry, "'site' must be an existing directory, got %s (resolves to %s, which %s)", quote(text), site,
                    Files.exists(site) ? "is not a directory" : "does not exist");
            return null;
        }
        return site;
    }

    // ---- messages

    /** Reports at the entry's value line (its key's line for a mapping or list value). */
    private void add(YamlNode.Entry entry, String format, Object... args) {
        int line = entry == null ? 0 : entry.value() instanceof YamlNode.Scalar s ? s.line() : entry.line();
        problems.add(line, String.format(Locale.ROOT, format, args));
    }

    /** What a value is, for "got ...": {@code 'three'}, {@code 2.5}, {@code a list}. */
    static String describe(YamlNode node) {
        return switch (node) {
            case YamlNode.Mapping m -> "a mapping";
            case YamlNode.Sequence s -> "a list";
            case YamlNode.Scalar s -> switch (s.kind()) {
                case STRING -> quote(s.text());
                case INTEGER, FLOAT -> s.text();
                case BOOLEAN -> s.text() + " (a boolean)";
                case NULL -> s.text().isEmpty() ? "nothing (the value is empty)" : s.text() + " (null)";
                case ALIAS -> "the alias *" + s.text() + " (aliases are not supported)";
            };
        };
    }

    /** Single-quoted, one line, at most 60 characters. */
    static String quote(String text) {
        String oneLine = text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
        return "'" + (oneLine.length() > 60 ? oneLine.substring(0, 57) + "..." : oneLine) + "'";
    }
}
