package dev.scaleup.topology;

import static dev.scaleup.topology.ValueReader.describe;
import static dev.scaleup.topology.ValueReader.quote;
import static java.util.Objects.requireNonNull;

import dev.scaleup.topology.TopologyKey.Section;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Checks a {@link YamlNode} tree against the shape of {@code scaleup.yaml} and binds it to a {@link Topology}.
 * Every problem goes to {@link Problems}, one line each; a bad value is noted and replaced by its default so the
 * rest of the file is still checked.
 */
final class TopologyBinder {

    private static final List<String> RESERVED_DB_USERS = List.of("postgres", "replicator");

    private final Problems problems;
    private final ValueReader values;
    private final ServersBinder serversBinder;
    private final Path baseDir;
    private final Path repoRoot;
    private final boolean checkSiteExists;

    /**
     * @param baseDir the directory {@code site} and the lb's files are relative to: the file's directory
     * @param repoRoot where the default site ({@code repoRoot/site}) is
     * @param checkSiteExists whether the site and the lb's files must exist (the only filesystem access)
     */
    TopologyBinder(Problems problems, Path baseDir, Path repoRoot, boolean checkSiteExists) {
        this.problems = requireNonNull(problems, "problems is null");
        this.values = new ValueReader(problems, baseDir, checkSiteExists);
        this.serversBinder = new ServersBinder(problems, values);
        this.baseDir = requireNonNull(baseDir, "baseDir is null");
        this.repoRoot = requireNonNull(repoRoot, "repoRoot is null");
        this.checkSiteExists = checkSiteExists;
    }

    /**
     * The topology, or null when problems were found (they are in {@link Problems}). Keys are read in the file's
     * documentation order, so problems on one line come in the same order every time.
     */
    Topology bind(YamlNode root, Path source) {
        Block top = topLevel(root);
        String name = values.text(top, TopologyKey.NAME);
        boolean onServers = serversBinder.onServers(top);
        Block networkKeys = section(top, Section.NETWORK);
        Network network = network(networkKeys, onServers);
        Block lbKeys = section(top, Section.LB);
        Block webKeys = section(top, Section.WEB);
        Block appKeys = section(top, Section.APP);
        Block dbKeys = section(top, Section.DB);
        Block backupKeys = section(top, Section.BACKUP);
        Block monitoringKeys = section(top, Section.MONITORING);
        Lb lb = lb(lbKeys, name == null ? TopologyKey.NAME.defaultText() : name);
        Web web = web(webKeys);
        App app = app(appKeys);
        Db db = db(dbKeys);
        Backup backup = backup(backupKeys);
        Monitoring monitoring = new Monitoring(values.bool(monitoringKeys, TopologyKey.MONITORING_ENABLED),
                values.integer(monitoringKeys, TopologyKey.MONITORING_SCRAPE_INTERVAL));
        Path site = site(top);
        Servers servers = null;
        if (onServers) {
            servers = serversBinder.bind(top, networkKeys, section(top, Section.SSH),
                    network == null ? null : network.subnet(), network == null ? null : network.vip());
            if (servers != null && db != null) {
                // on the hosts target a tier's count defaults to the hosts listed for it
                lb = new Lb(serversBinder.count(lbKeys, TopologyKey.LB_COUNT, Role.LB, lb.count(), 2, 2, 0, servers, top),
                        lb.port(), lb.threads(), lb.edge());
                web = web.withCount(serversBinder.count(webKeys, TopologyKey.WEB_COUNT, Role.WEB, web.count(), 1,
                        Role.WEB.capacity(), 0, servers, top));
                app = app.withCount(serversBinder.count(appKeys, TopologyKey.APP_COUNT, Role.APP, app.count(), 1,
                        Role.APP.capacity(), 0, servers, top));
                db = db.withReplicas(serversBinder.count(dbKeys, TopologyKey.DB_REPLICAS, Role.DB, db.replicas(), 0,
                        Role.DB.capacity() - 1, 1, servers, top));
                if (!backupKeys.given(TopologyKey.BACKUP_ENABLED) && backup != null) {
                    // on the hosts target backups default to on when the backup host is listed, as the counts do
                    backup = backup.withEnabled(servers.of(Role.BACKUP).stream().anyMatch(s -> s.index() == 1));
                }
                serversBinder.backupHost(backupKeys, backup != null && backup.enabled(), servers, top);
                if (!monitoringKeys.given(TopologyKey.MONITORING_ENABLED)) {
                    // likewise monitoring: on when the monitoring host is listed
                    monitoring = monitoring.withEnabled(servers.of(Role.MON).stream().anyMatch(s -> s.index() == 1));
                }
                serversBinder.monitoringHost(monitoringKeys, monitoring.enabled(), servers, top);
            }
        } else {
            serversBinder.refuse(top, networkKeys);
        }

        if (!problems.isEmpty()) {
            return null;
        }
        return new Topology(name, network, lb, web, app, db, backup, monitoring, site, source, servers);
    }

    /** Null when the subnet or VIP is invalid (then with a problem). */
    private Network network(Block keys, boolean onServers) {
        Subnet subnet = subnet(keys, onServers);
        Ipv4 vip = vip(keys, subnet, onServers);
        return subnet == null || vip == null ? null : new Network(subnet, vip);
    }

    /** Count, port and threads, then the edge: TLS, redirect, rate limit. */
    private Lb lb(Block keys, String deploymentName) {
        int count = values.integer(keys, TopologyKey.LB_COUNT);
        int port = values.integer(keys, TopologyKey.LB_PORT);
        int threads = values.integer(keys, TopologyKey.LB_THREADS);
        return new Lb(count, port, threads, edge(keys, deploymentName, port));
    }

    private Web web(Block keys) {
        return new Web(values.integer(keys, TopologyKey.WEB_COUNT), values.integer(keys, TopologyKey.WEB_PORT));
    }

    private App app(Block keys) {
        return new App(values.integer(keys, TopologyKey.APP_COUNT), values.integer(keys, TopologyKey.APP_PORT),
                values.integer(keys, TopologyKey.APP_HEAP_MB));
    }

    /** Null when the database name or user is invalid (then with a problem). */
    private Db db(Block keys) {
        int replicas = values.integer(keys, TopologyKey.DB_REPLICAS);
        int port = values.integer(keys, TopologyKey.DB_PORT);
        String name = values.text(keys, TopologyKey.DB_NAME);
        String user = values.text(keys, TopologyKey.DB_USER);
        if (user != null && RESERVED_DB_USERS.contains(user)) {
            values.add(keys.get(TopologyKey.DB_USER), "'db.user' must not be 'postgres' or 'replicator' (scaleup uses"
                    + " them for the superuser and for replication), got %s", quote(user));
            return null;
        }
        boolean pooler = values.bool(keys, TopologyKey.DB_POOLER);
        if (pooler && port == Db.POOLER_PORT) {
            values.add(keys.get(TopologyKey.DB_PORT), "'db.port' must not be %d while 'db.pooler' is true (the"
                    + " default): PgBouncer listens on it", Db.POOLER_PORT);
            return null;
        }
        return name == null || user == null ? null : new Db(replicas, port, name, user, pooler);
    }

    private Backup backup(Block keys) {
        return new Backup(values.bool(keys, TopologyKey.BACKUP_ENABLED),
                values.integer(keys, TopologyKey.BACKUP_RETENTION_FULL),
                values.integer(keys, TopologyKey.BACKUP_ARCHIVE_TIMEOUT),
                values.integer(keys, TopologyKey.BACKUP_FULL_EVERY),
                values.integer(keys, TopologyKey.BACKUP_INCR_EVERY));
    }

    // ---- the mappings of the file

    private Block topLevel(YamlNode root) {
        if (root == null) {
            return new Block(Section.TOP, List.of(), problems); // empty file: all defaults
        }
        if (root instanceof YamlNode.Mapping mapping) {
            return new Block(Section.TOP, mapping.entries(), problems);
        }
        problems.add(root.line(), "the top level must be a mapping with keys " + String.join(", ", Section.TOP.allowed())
                + ", got " + describe(root));
        return new Block(Section.TOP, List.of(), problems);
    }

    /** A section of the top level; absent or empty ({@code web:} with nothing under it) means all its defaults. */
    private Block section(Block top, Section section) {
        YamlNode.Entry entry = top.get(section.path());
        if (entry == null || entry.value() instanceof YamlNode.Scalar s && s.kind() == YamlNode.Kind.NULL) {
            return new Block(section, List.of(), problems);
        }
        if (entry.value() instanceof YamlNode.Mapping mapping) {
            return new Block(section, mapping.entries(), problems);
        }
        problems.add(entry.line(), "'" + section.path() + "' must be a mapping with keys "
                + String.join(", ", section.allowed()) + ", got " + describe(entry.value()));
        return new Block(section, List.of(), problems);
    }

    // ---- keys with checks of their own

    /** The lb keys beyond count and port: TLS, redirect, rate limit. */
    private Edge edge(Block lb, String deploymentName, int lbPort) {
        Edge defaults = Edge.defaults(deploymentName);
        int httpsPort = values.integer(lb, TopologyKey.LB_HTTPS_PORT);
        if (httpsPort == lbPort) {
            YamlNode.Entry at = lb.get(TopologyKey.LB_HTTPS_PORT) != null
                    ? lb.get(TopologyKey.LB_HTTPS_PORT) : lb.get(TopologyKey.LB_PORT);
            values.add(at, "'lb.https_port' and 'lb.port' must differ (HTTPS and plain HTTP at the VIP), both are %d",
                    lbPort);
        }
        boolean redirect = values.bool(lb, TopologyKey.LB_HTTPS_REDIRECT);
        int rateLimit = values.integer(lb, TopologyKey.LB_RATE_LIMIT);
        int authRateLimit = values.integer(lb, TopologyKey.LB_AUTH_RATE_LIMIT);
        String tlsName = values.text(lb, TopologyKey.LB_TLS_NAME);
        boolean certGiven = lb.given(TopologyKey.LB_TLS_CERT);
        if (certGiven != lb.given(TopologyKey.LB_TLS_KEY)) {
            values.add(lb.get(certGiven ? TopologyKey.LB_TLS_CERT : TopologyKey.LB_TLS_KEY), "'lb.tls_cert' and"
                    + " 'lb.tls_key' go together: set both (your certificate chain and its key, PEM) or neither (scaleup makes a CA and a"
                    + " certificate for the VIP and lb.tls_name)");
        }
        Path cert = values.file(lb, TopologyKey.LB_TLS_CERT);
        Path key = values.file(lb, TopologyKey.LB_TLS_KEY);
        if (cert == null || key == null) {
            cert = null;
            key = null;
        }
        return new Edge(httpsPort, redirect, rateLimit, authRateLimit, tlsName == null ? defaults.tlsName() : tlsName, cert, key);
    }

    /**
     * On the netns target the subnet is inside 198.18.0.0/15 and fits the address plan; servers (hosts target) live
     * in whatever network they are in, and every address is listed, so only its form is checked there.
     */
    private Subnet subnet(Block network, boolean onServers) {
        YamlNode.Entry entry = network.get(TopologyKey.NETWORK_SUBNET);
        if (entry == null) {
            return Network.DEFAULTS.subnet();
        }
        String text = values.string(network, TopologyKey.NETWORK_SUBNET);
        if (text == null) {
            return null;
        }
        Subnet subnet = parseCidr(text.strip());
        if (subnet == null) {
            values.add(entry, "'network.subnet' must be a CIDR subnet like 198.18.0.0/24, got %s", quote(text));
            return null;
        }
        if (onServers) {
            if (subnet.prefix() < 8 || subnet.prefix() > 30) {
                values.add(entry, "'network.subnet' must have a prefix between /8 and /30, got %s", quote(text));
                return null;
            }
        } else if (!AddressPlan.BENCHMARK_RANGE.contains(subnet.network())) {
            values.add(entry, "'network.subnet' must be inside %s, the range reserved for benchmarks (RFC 2544), got %s",
                    AddressPlan.BENCHMARK_RANGE, quote(text));
            return null;
        }
        if (!onServers && (subnet.prefix() < AddressPlan.MIN_PREFIX || subnet.prefix() > AddressPlan.MAX_PREFIX)) {
            values.add(entry, "'network.subnet' must have a prefix between /%d and /%d (inside %s, and the address plan needs a /24), got %s",
                    AddressPlan.MIN_PREFIX, AddressPlan.MAX_PREFIX, AddressPlan.BENCHMARK_RANGE, quote(text));
            return null;
        }
        if (!subnet.base().equals(subnet.network())) {
            values.add(entry, "'network.subnet' must be a network address with no host bits set, got %s; did you mean %s?",
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
    private Ipv4 vip(Block network, Subnet subnet, boolean onServers) {
        YamlNode.Entry entry = network.get(TopologyKey.NETWORK_VIP);
        if (entry == null) {
            return subnet == null ? null : Network.in(subnet).vip();
        }
        Ipv4 vip = values.ipv4(network, TopologyKey.NETWORK_VIP, "198.18.0.100");
        if (vip == null) {
            return null;
        }
        String text = values.string(network, TopologyKey.NETWORK_VIP); // as written, for the messages below
        if (subnet == null) {
            return vip; // the subnet's own problem is reported; nothing to check against
        }
        if (!subnet.contains(vip)) {
            values.add(entry, "'network.vip' must be inside network.subnet %s, got %s; free addresses there: %s",
                    subnet, quote(text), AddressPlan.freeRanges(subnet));
            return null;
        }
        // on the hosts target the address plan is not used: the VIP only must not be a listed host's (checked there)
        Optional<String> reserved = onServers ? Optional.empty() : AddressPlan.reservation(subnet, vip);
        if (reserved.isPresent()) {
            values.add(entry, "'network.vip' must be a free address of %s, got %s (%s); free: %s",
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
        String text = values.string(top, TopologyKey.SITE);
        if (text == null) {
            return null;
        }
        if (text.isBlank()) {
            values.add(entry, "'site' must be a directory path, relative to this file or absolute, got %s", quote(text));
            return null;
        }
        Path site;
        try {
            site = baseDir.resolve(text).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            values.add(entry, "'site' must be a directory path, got %s (%s)", quote(text), e.getReason());
            return null;
        }
        if (checkSiteExists && !Files.isDirectory(site)) {
            values.add(entry, "'site' must be an existing directory, got %s (resolves to %s, which %s)", quote(text), site,
                    Files.exists(site) ? "is not a directory" : "does not exist");
            return null;
        }
        return site;
    }
}
