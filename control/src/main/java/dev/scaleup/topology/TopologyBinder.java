package dev.scaleup.topology;

import dev.scaleup.topology.TopologyKey.Section;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
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

    private static final Pattern QUOTED_INTEGER = Pattern.compile("\\s*[-+]?[0-9]+\\s*");
    private static final List<String> RESERVED_DB_USERS = List.of("postgres", "replicator");

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

    /**
     * The topology, or null when problems were found (they are in {@link Problems}). Keys are read in the file's
     * documentation order, so problems on one line come in the same order every time.
     */
    Topology bind(YamlNode root, Path source) {
        Block top = topLevel(root);
        String name = text(top, TopologyKey.NAME);
        Network network = network(section(top, Section.NETWORK));
        Lb lb = lb(section(top, Section.LB), name == null ? TopologyKey.NAME.defaultText() : name);
        Block webKeys = section(top, Section.WEB);
        Web web = new Web(integer(webKeys, TopologyKey.WEB_COUNT), integer(webKeys, TopologyKey.WEB_PORT));
        Block appKeys = section(top, Section.APP);
        App app = new App(integer(appKeys, TopologyKey.APP_COUNT), integer(appKeys, TopologyKey.APP_PORT),
                integer(appKeys, TopologyKey.APP_HEAP_MB));
        Db db = db(section(top, Section.DB));
        Path site = site(top);

        if (!problems.isEmpty()) {
            return null;
        }
        return new Topology(name, network, lb, web, app, db, site, source);
    }

    /** Null when the subnet or VIP is invalid (then with a problem). */
    private Network network(Block keys) {
        Subnet subnet = subnet(keys);
        Ipv4 vip = vip(keys, subnet);
        return subnet == null || vip == null ? null : new Network(subnet, vip);
    }

    /** Count and port, then the edge: TLS, redirect, rate limit. */
    private Lb lb(Block keys, String deploymentName) {
        int count = integer(keys, TopologyKey.LB_COUNT);
        int port = integer(keys, TopologyKey.LB_PORT);
        return new Lb(count, port, edge(keys, deploymentName, port));
    }

    /** Null when the database name or user is invalid (then with a problem). */
    private Db db(Block keys) {
        int replicas = integer(keys, TopologyKey.DB_REPLICAS);
        int port = integer(keys, TopologyKey.DB_PORT);
        String name = text(keys, TopologyKey.DB_NAME);
        String user = text(keys, TopologyKey.DB_USER);
        if (user != null && RESERVED_DB_USERS.contains(user)) {
            add(keys.get(TopologyKey.DB_USER), "'db.user' must not be 'postgres' or 'replicator' (scaleup uses them for"
                    + " the superuser and for replication), got %s", quote(user));
            return null;
        }
        return name == null || user == null ? null : new Db(replicas, port, name, user);
    }

    // ---- sections and keys

    /** The entries of one mapping of the file, checked for unknown and duplicate keys. */
    private final class Block {

        final Section section;
        final String path;
        final List<String> allowed;
        private final Map<String, YamlNode.Entry> entries = new HashMap<>();

        Block(Section section, List<YamlNode.Entry> list) {
            this.section = section;
            this.path = section.path();
            this.allowed = section.allowed();
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

        YamlNode.Entry get(TopologyKey key) {
            return get(key.key());
        }

        String path(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }

        String where() {
            return path.isEmpty() ? "at the top level" : "under '" + path + "'";
        }
    }

    private Block topLevel(YamlNode root) {
        if (root == null) {
            return new Block(Section.TOP, List.of()); // empty file: all defaults
        }
        if (root instanceof YamlNode.Mapping mapping) {
            return new Block(Section.TOP, mapping.entries());
        }
        problems.add(root.line(), "the top level must be a mapping with keys " + String.join(", ", Section.TOP.allowed())
                + ", got " + describe(root));
        return new Block(Section.TOP, List.of());
    }

    /** A section of the top level; absent or empty ({@code web:} with nothing under it) means all its defaults. */
    private Block section(Block top, Section section) {
        YamlNode.Entry entry = top.get(section.path());
        if (entry == null || entry.value() instanceof YamlNode.Scalar s && s.kind() == YamlNode.Kind.NULL) {
            return new Block(section, List.of());
        }
        if (entry.value() instanceof YamlNode.Mapping mapping) {
            return new Block(section, mapping.entries());
        }
        problems.add(entry.line(), "'" + section.path() + "' must be a mapping with keys "
                + String.join(", ", section.allowed()) + ", got " + describe(entry.value()));
        return new Block(section, List.of());
    }

    private void unknownKey(Block block, YamlNode.Entry entry) {
        String key = entry.key();
        String message = "unknown key '" + block.path(key) + "'";
        Optional<String> near = TopologyKey.synonym(block.path(key)).map(TopologyKey::key)
                .or(() -> DidYouMean.nearest(key, block.allowed));
        List<String> elsewhere = elsewhere(block.section, key);
        int dot = key.indexOf('.');
        if (near.isPresent()) {
            message += "; did you mean '" + block.path(near.get()) + "'? ";
        } else if (block.section == Section.TOP && dot >= 0 && Section.byPath(key.substring(0, dot)).isPresent()) {
            message += "; write '" + key.substring(dot + 1) + "' indented under '" + key.substring(0, dot) + ":' instead of a dotted key; ";
        } else if (!elsewhere.isEmpty()) {
            message += "; did you mean " + orList(elsewhere) + "? ";
        } else {
            message += "; ";
        }
        problems.add(entry.line(), message + "allowed " + block.where() + ": " + String.join(", ", block.allowed));
    }

    /** Keys of other sections that {@code key} is near to, as dotted paths: 'subnet' at the top is 'network.subnet'. */
    private static List<String> elsewhere(Section own, String key) {
        List<String> found = new ArrayList<>();
        for (Section section : Section.values()) {
            if (section != Section.TOP && section != own) {
                for (String k : section.allowed()) {
                    if (DidYouMean.nearest(key, List.of(k)).isPresent()) {
                        found.add(section.path() + "." + k);
                    }
                }
            }
        }
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

    /** An integer in the key's range; the default when absent or invalid (then with a problem). */
    private int integer(Block block, TopologyKey key) {
        TopologyKey.Shape.Integer range = (TopologyKey.Shape.Integer) key.shape();
        YamlNode.Entry entry = block.get(key);
        if (entry == null) {
            return key.defaultInt();
        }
        String path = key.path();
        if (!(entry.value() instanceof YamlNode.Scalar s) || s.kind() != YamlNode.Kind.INTEGER) {
            String got = describe(entry.value());
            if (entry.value() instanceof YamlNode.Scalar s && s.kind() == YamlNode.Kind.STRING
                    && QUOTED_INTEGER.matcher(s.text()).matches()) {
                got += " (a string because of the quotes; remove them)";
            }
            add(entry, "'%s' must be an integer, got %s", path, got);
            return key.defaultInt();
        }
        if (s.integer().compareTo(BigInteger.valueOf(range.min())) < 0
                || s.integer().compareTo(BigInteger.valueOf(range.max())) > 0) {
            if (range.min() == range.max()) {
                add(entry, "'%s' must be %d, got %s", path, range.min(), s.text());
            } else {
                add(entry, "'%s' must be between %d and %d, got %s", path, range.min(), range.max(), s.text());
            }
            return key.defaultInt();
        }
        return s.integer().intValue();
    }

    /** The lb keys beyond count and port: TLS, redirect, rate limit. */
    private Edge edge(Block lb, String deploymentName, int lbPort) {
        Edge defaults = Edge.defaults(deploymentName);
        int httpsPort = integer(lb, TopologyKey.LB_HTTPS_PORT);
        if (httpsPort == lbPort) {
            YamlNode.Entry at = lb.get(TopologyKey.LB_HTTPS_PORT) != null ? lb.get(TopologyKey.LB_HTTPS_PORT) : lb.get(TopologyKey.LB_PORT);
            add(at, "'lb.https_port' and 'lb.port' must differ (HTTPS and plain HTTP at the VIP), both are %d", lbPort);
        }
        boolean redirect = bool(lb, TopologyKey.LB_HTTPS_REDIRECT);
        int rateLimit = integer(lb, TopologyKey.LB_RATE_LIMIT);
        String tlsName = text(lb, TopologyKey.LB_TLS_NAME);
        boolean certGiven = given(lb, TopologyKey.LB_TLS_CERT);
        if (certGiven != given(lb, TopologyKey.LB_TLS_KEY)) {
            add(lb.get(certGiven ? TopologyKey.LB_TLS_CERT : TopologyKey.LB_TLS_KEY), "'lb.tls_cert' and 'lb.tls_key' go"
                    + " together: set both (your certificate chain and its key, PEM) or neither (scaleup makes a CA and a"
                    + " certificate for the VIP and lb.tls_name)");
        }
        Path cert = file(lb, TopologyKey.LB_TLS_CERT);
        Path key = file(lb, TopologyKey.LB_TLS_KEY);
        if (cert == null || key == null) {
            cert = null;
            key = null;
        }
        return new Edge(httpsPort, redirect, rateLimit, tlsName == null ? defaults.tlsName() : tlsName, cert, key);
    }

    private static boolean given(Block block, TopologyKey key) {
        YamlNode.Entry entry = block.get(key);
        return entry != null && !(entry.value() instanceof YamlNode.Scalar s && s.kind() == YamlNode.Kind.NULL);
    }

    /** true or false; the default when absent or invalid (then with a problem). */
    private boolean bool(Block block, TopologyKey key) {
        YamlNode.Entry entry = block.get(key);
        if (entry == null) {
            return key.defaultBool();
        }
        if (entry.value() instanceof YamlNode.Scalar s && s.kind() == YamlNode.Kind.BOOLEAN) {
            return List.of("true", "yes", "on", "y").contains(s.text().toLowerCase(Locale.ROOT));
        }
        add(entry, "'%s' must be true or false, got %s", key.path(), describe(entry.value()));
        return key.defaultBool();
    }

    /**
     * A file path, relative to the topology file or absolute; null when absent or empty. When files are checked
     * ({@code checkSiteExists}) it must be a readable regular file.
     */
    private Path file(Block block, TopologyKey key) {
        if (!given(block, key)) {
            return null;
        }
        YamlNode.Entry entry = block.get(key);
        String text = string(block, key);
        if (text == null) {
            return null;
        }
        Path path;
        try {
            path = baseDir.resolve(text).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            add(entry, "'%s' must be a file path, got %s (%s)", key.path(), quote(text), e.getReason());
            return null;
        }
        if (checkSiteExists && !(Files.isRegularFile(path) && Files.isReadable(path))) {
            add(entry, "'%s' must be a readable file, got %s (resolves to %s, which %s)", key.path(), quote(text),
                    path, Files.exists(path) ? "is not a readable regular file" : "does not exist");
            return null;
        }
        return path;
    }

    /** A string of the key's pattern; its default when absent, null when invalid (then with a problem). */
    private String text(Block block, TopologyKey key) {
        TopologyKey.Shape.Text shape = (TopologyKey.Shape.Text) key.shape();
        if (block.get(key) == null) {
            return key.defaultText();
        }
        String value = string(block, key);
        if (value != null && !shape.pattern().matcher(value).matches()) {
            add(block.get(key), "'%s' must be %s, got %s", key.path(), shape.description(), quote(value));
            return null;
        }
        return value;
    }

    /** Any string; null when absent or not a string (then with a problem). */
    private String string(Block block, TopologyKey key) {
        YamlNode.Entry entry = block.get(key);
        if (entry == null) {
            return null;
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
        add(entry, "'%s' must be a string, got %s", key.path(), got);
        return null;
    }

    private Subnet subnet(Block network) {
        YamlNode.Entry entry = network.get(TopologyKey.NETWORK_SUBNET);
        if (entry == null) {
            return Network.DEFAULTS.subnet();
        }
        String text = string(network, TopologyKey.NETWORK_SUBNET);
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

    /** The VIP; defaults to the subnet's .100. Null when invalid (or the subnet is). */
    private Ipv4 vip(Block network, Subnet subnet) {
        YamlNode.Entry entry = network.get(TopologyKey.NETWORK_VIP);
        if (entry == null) {
            return subnet == null ? null : Network.in(subnet).vip();
        }
        String text = string(network, TopologyKey.NETWORK_VIP);
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
    private Path site(Block top) {
        YamlNode.Entry entry = top.get(TopologyKey.SITE);
        if (entry == null) {
            Path site = repoRoot.resolve(TopologyKey.SITE.defaultText()).toAbsolutePath().normalize();
            if (checkSiteExists && !Files.isDirectory(site)) {
                problems.add(0, "'site' is not set and its default " + site + " does not exist;"
                        + " set 'site' to the static site's directory, relative to this file");
            }
            return site;
        }
        String text = string(top, TopologyKey.SITE);
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
