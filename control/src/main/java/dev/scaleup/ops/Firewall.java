package dev.scaleup.ops;

import dev.scaleup.render.ConfigCheck;
import dev.scaleup.render.FirewallConfig;
import dev.scaleup.render.HostPaths;
import dev.scaleup.render.RenderedFile;
import dev.scaleup.runtime.Exec;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Topology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Puts each host's nftables rules ({@link FirewallConfig}) in place inside its namespace: renders
 * {@code conf/firewall.nft}, checks it with {@code nft -c -f} and loads it with {@code nft -f} whenever the rules loaded
 * in the namespace are not the current ones (missing, stale, or the file changed). Idempotent: on a deployment whose
 * rules are current it runs one {@code nft list} per host and changes nothing.
 *
 * <p>Everything it needs comes from the topology, so after a topology change (scaling) calling {@link #apply} again
 * updates every host's rules; hosts whose rules did not change are left alone.
 */
public final class Firewall {

    static final Duration NFT_TIMEOUT = Duration.ofSeconds(20);

    private Firewall() {
    }

    /** What a host's namespace holds compared with its rendered rules. */
    public enum State {
        /** the table of the current rules is loaded */
        CURRENT,
        /** a scaleup table is loaded, but of other rules */
        STALE,
        /** no scaleup table: the host accepts everything */
        MISSING,
        /** the host's namespace does not exist */
        NO_NAMESPACE,
        /** nothing to hold: the gateway rules of a deployment whose hosts are servers of their own (hosts target) */
        NONE_NEEDED;

        /** The rules are as they should be: the current ones, or none where none are needed. */
        public boolean inPlace() {
            return this == CURRENT || this == NONE_NEEDED;
        }
    }

    /** Brings every host's rules up to date; returns one sentence per host whose rules it (re)loaded. */
    public static List<String> apply(Deployment deployment) {
        return apply(deployment, deployment.topology().hosts());
    }

    /** The same for some hosts (for example the ones a scale-out added). */
    public static List<String> apply(Deployment deployment, List<Host> hosts) {
        List<String> sentences = Collections.synchronizedList(new ArrayList<>());
        Parallel.forEach(hosts, host -> {
            String sentence = applyTo(deployment, host);
            if (sentence != null) {
                sentences.add(sentence);
            }
        });
        // the hosts' order, whatever order the threads finished in
        List<String> ordered = new ArrayList<>();
        for (Host host : hosts) {
            sentences.stream().filter(s -> s.startsWith(host.name() + ":")).forEach(ordered::add);
        }
        return ordered;
    }

    /** Renders, checks and loads one host's rules if they are not current; returns what it did, or null. */
    static String applyTo(Deployment deployment, Host host) {
        HostPaths paths = deployment.paths(host);
        RenderedFile file = FirewallConfig.render(deployment.topology(), host, paths);
        List<String> written = ConfigFiles.write(deployment, host, List.of(file));
        State state = state(deployment, host);
        if (state == State.NO_NAMESPACE) {
            throw new OperatorException(host.name() + ": cannot load its firewall: the host (its namespace) is missing");
        }
        if (written.isEmpty() && state == State.CURRENT) {
            if (remembered(paths) == null) {
                remember(paths, listed(deployment, host)); // loaded before listings were kept: keep it from now on
            }
            return null;
        }
        List<String> check = ConfigCheck.nft(paths);
        Exec.Result checked = deployment.target().exec(host, check, NFT_TIMEOUT);
        if (!checked.ok()) {
            throw new OperatorException(host.name() + ": " + FirewallConfig.FILE + " was rejected by `"
                    + String.join(" ", check) + "`:\n" + (checked.stderr() + checked.stdout()).strip());
        }
        Exec.Result loaded = deployment.target().exec(host, load(paths), NFT_TIMEOUT);
        if (!loaded.ok()) {
            throw new OperatorException(host.name() + ": loading " + paths.conf(FirewallConfig.FILE) + " failed:\n"
                    + (loaded.stderr() + loaded.stdout()).strip());
        }
        remember(paths, listed(deployment, host));
        int rules = FirewallConfig.rules(deployment.topology(), host).size();
        return host.name() + ": " + switch (state) {
            case MISSING -> "loaded";
            case STALE -> "reloaded";
            default -> "rewrote and reloaded";
        } + " its firewall (inbound dropped except " + rules + " allowed flow" + (rules == 1 ? "" : "s")
                + "; checked by nft -c)";
    }

    /** Whether the rules loaded in the host's namespace are the ones its topology calls for. */
    public static State state(Deployment deployment, Host host) {
        if (!deployment.target().exists(host)) {
            return State.NO_NAMESPACE;
        }
        String listed = listed(deployment, host);
        if (listed == null) {
            return State.MISSING;
        }
        String version = FirewallConfig.version(deployment.topology(), host);
        // the table of the current rules, exactly as it was listed right after loading (no rule added or removed
        // since); a table loaded before listings were kept is judged by its digest alone
        String remembered = remembered(deployment.paths(host));
        return listed.contains("comment \"" + version + "\"") && (remembered == null || listed.equals(remembered))
                ? State.CURRENT : State.STALE;
    }

    /** {@code nft list table inet scaleup} on the host, or null when there is no such table. */
    private static String listed(Deployment deployment, Host host) {
        Exec.Result listed = deployment.target().exec(host, listTable(), NFT_TIMEOUT);
        return listed.ok() ? listed.stdout() : null;
    }

    /** The listing right after loading, kept in {@code run/firewall.listed} to tell later changes by hand. */
    private static void remember(HostPaths paths, String listing) {
        try {
            java.nio.file.Files.writeString(paths.run().resolve("firewall.listed"), listing == null ? "" : listing);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String remembered(HostPaths paths) {
        try {
            return java.nio.file.Files.readString(paths.run().resolve("firewall.listed"));
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /**
     * The host's health with its firewall's state added: fact {@code firewall} = current, stale or missing; a host
     * whose rules are not current is unhealthy (run {@code scaleup up} to load them).
     */
    public static HostHealth withState(Deployment deployment, Host host, HostHealth health) {
        State state = state(deployment, host);
        java.util.Map<String, Object> facts = new java.util.LinkedHashMap<>(health.facts());
        facts.put("firewall", state.name().toLowerCase(java.util.Locale.ROOT));
        if (state == State.CURRENT) {
            return new HostHealth(health.healthy(), health.details(), facts);
        }
        return new HostHealth(false, health.details() + ", firewall " + (state == State.STALE
                ? "STALE (not the rules rendered for it, or changed by hand)" : "MISSING") + " (run scaleup up)", facts);
    }

    /** Where the gateway rules are rendered: {@code <state>/gateway.nft}. */
    static java.nio.file.Path gatewayFile(Deployment deployment) {
        return deployment.state().real().resolve("gateway.nft");
    }

    /**
     * Loads the gateway rules ({@link FirewallConfig#gateway}) in the machine's own namespace when they are not the
     * current ones; returns what it did, or null.
     */
    public static String applyGateway(Deployment deployment) {
        java.nio.file.Path file = gatewayFile(deployment);
        try {
            java.nio.file.Files.writeString(file, FirewallConfig.gateway(deployment.topology()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        State state = gatewayState(deployment);
        if (state == State.CURRENT) {
            return null;
        }
        Exec.Result checked = Exec.run(List.of("nft", "-c", "-f", file.toString()), NFT_TIMEOUT, null);
        if (!checked.ok()) {
            throw new OperatorException(file + " was rejected by `nft -c -f`:\n" + (checked.stderr() + checked.stdout()).strip());
        }
        Exec.Result loaded = Exec.run(List.of("nft", "-f", file.toString()), NFT_TIMEOUT, null);
        if (!loaded.ok()) {
            throw new OperatorException("loading " + file + " failed:\n" + (loaded.stderr() + loaded.stdout()).strip());
        }
        return "gateway: " + (state == State.MISSING ? "loaded" : "reloaded") + " table inet "
                + FirewallConfig.gatewayTable(deployment.topology()) + " in the machine's namespace: only root reaches "
                + deployment.topology().network().subnet() + ", every local user the VIP (checked by nft -c)";
    }

    /** Whether the machine's namespace holds the current gateway rules (never NO_NAMESPACE). */
    public static State gatewayState(Deployment deployment) {
        Exec.Result listed = Exec.run(List.of("nft", "list", "table", "inet",
                FirewallConfig.gatewayTable(deployment.topology())), NFT_TIMEOUT, null);
        if (!listed.ok()) {
            return State.MISSING;
        }
        return listed.stdout().contains("comment \"" + FirewallConfig.gatewayVersion(deployment.topology()) + "\"")
                && listed.stdout().contains("meta skuid != 0") ? State.CURRENT : State.STALE;
    }

    /** Removes the gateway rules from the machine's namespace; returns true when there were any. */
    public static boolean removeGateway(Topology topology) {
        String table = FirewallConfig.gatewayTable(topology);
        if (!Exec.run(List.of("nft", "list", "table", "inet", table), NFT_TIMEOUT, null).ok()) {
            return false;
        }
        Exec.Result deleted = Exec.run(List.of("nft", "delete", "table", "inet", table), NFT_TIMEOUT, null);
        if (!deleted.ok()) {
            throw new OperatorException("removing table inet " + table + " failed: " + deleted.stderr().strip());
        }
        return true;
    }

    /** {@code nft -f <conf>/firewall.nft}: replaces the table in one transaction. */
    public static List<String> load(HostPaths paths) {
        return List.of("nft", "-f", paths.conf(FirewallConfig.FILE).toString());
    }

    public static List<String> listTable() {
        return List.of("nft", "list", "table", "inet", FirewallConfig.TABLE);
    }
}
