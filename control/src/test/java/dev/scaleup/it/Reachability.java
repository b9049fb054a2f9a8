package dev.scaleup.it;

import static dev.scaleup.it.FlowPolicy.ROOT;
import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.ops.Parallel;
import dev.scaleup.runtime.Exec;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/** TCP connects from the machine's namespace and from inside every host of a stack to every address and port. */
final class Reachability {

    /**
     * The ports probed on every address: HTTP, HTTPS, web, app, PostgreSQL, PgBouncer, Patroni, etcd client and peer,
     * HAProxy's peer check; the exporters (HAProxy's, node, nginx, PostgreSQL), Prometheus and Alertmanager.
     */
    static final List<Integer> PORTS = List.of(80, 443, 8080, 5432, 6432, 8008, 2379, 2380, 8404, 8405, 9100, 9113,
            9187, 9090, 9093);

    private final Topology topology;
    private final FlowPolicy policy;

    Reachability(Topology topology) {
        this.topology = requireNonNull(topology, "topology is null");
        this.policy = new FlowPolicy(topology);
    }

    /** source → (address:port → outcome), every source probing every other host and the VIP on every port. */
    Map<String, Map<String, TcpProbe.Outcome>> probeAll(int millis) throws Exception {
        Map<String, Map<String, TcpProbe.Outcome>> observed = new ConcurrentHashMap<>();
        Semaphore slots = new Semaphore(3); // a JVM per source; the machine is shared
        String holder = vipHolder();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (String source : sources()) {
                List<String> targets = new ArrayList<>();
                for (String address : destinations()) {
                    if (!source.equals(ROOT) && topology.host(source).orElseThrow().address().toString().equals(address)
                            || source.equals(holder) && address.equals(topology.network().vip().toString())) {
                        continue; // a host to itself (its own address, the VIP it holds) goes over loopback
                    }
                    PORTS.forEach(port -> targets.add(address + ":" + port));
                }
                futures.add(executor.submit(() -> {
                    slots.acquireUninterruptibly();
                    try {
                        observed.put(source, new LinkedHashMap<>(probe(source, targets, millis)));
                    } finally {
                        slots.release();
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        Map<String, Map<String, TcpProbe.Outcome>> ordered = new LinkedHashMap<>();
        sources().forEach(s -> ordered.put(s, observed.get(s)));
        return ordered;
    }

    /** Runs {@link TcpProbe} inside the source's namespace (or here, for the root namespace). */
    Map<String, TcpProbe.Outcome> probe(String source, List<String> targets, int millis) {
        List<String> command = new ArrayList<>();
        if (!source.equals(ROOT)) {
            command.addAll(List.of("ip", "netns", "exec", topology.name() + "-" + source));
        }
        command.addAll(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-cp", testClasses(), TcpProbe.class.getName(), Integer.toString(millis)));
        command.addAll(targets);
        Exec.Result result = Exec.run(command, Duration.ofSeconds(60), null).orThrow();
        Map<String, TcpProbe.Outcome> outcomes = new LinkedHashMap<>();
        result.stdout().lines().map(l -> l.split(" ")).forEach(f -> outcomes.put(f[0], TcpProbe.Outcome.valueOf(f[1])));
        assertThat(outcomes.keySet()).as("probe output of " + source).containsExactlyElementsOf(targets);
        return outcomes;
    }

    /**
     * Opens a TCP connection to each {@code address:port} as the user nobody in the machine's own namespace (bash's
     * /dev/tcp, 1.5 s each unless told): OPEN, REFUSED (connection refused: a reject), DROPPED (no answer), or what bash said.
     * The targets are probed by 8 processes at once, each a share of them in turn: one process for all 182 took
     * 201 s of a 252 s IsolationIT run here, 8 took 31 s.
     */
    static Map<String, String> probeAsLocalUser(List<String> targets) {
        return probeAsLocalUser(targets, 1.5);
    }

    /** The same, with {@code seconds} for each connection. */
    static Map<String, String> probeAsLocalUser(List<String> targets, double seconds) {
        String script = """
                t_out=$1; shift
                for t in "$@"; do
                  err=$(timeout "$t_out" bash -c "exec 3<>/dev/tcp/${t%:*}/${t##*:}" 2>&1); rc=$?
                  if [ $rc -eq 0 ]; then echo "$t OPEN"
                  elif [ $rc -eq 124 ]; then echo "$t DROPPED"
                  elif [[ "$err" == *refused* ]]; then echo "$t REFUSED"
                  else echo "$t ERROR:${err//[[:space:]]/_}"; fi
                done
                """;
        int processes = Math.min(8, targets.size());
        List<List<String>> shares = new ArrayList<>();
        for (int i = 0; i < processes; i++) {
            List<String> share = new ArrayList<>();
            for (int j = i; j < targets.size(); j += processes) {
                share.add(targets.get(j));
            }
            shares.add(share);
        }
        Map<String, String> found = new ConcurrentHashMap<>();
        Parallel.forEach(shares, share -> {
            List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534",
                    "--clear-groups", "--", "bash", "-c", script, "probe", String.valueOf(seconds)));
            command.addAll(share);
            Exec.Result result = Exec.run(command, Duration.ofSeconds(10 + (long) Math.ceil(seconds + 0.5) * share.size()),
                    null).orThrow();
            result.stdout().lines().map(l -> l.split(" ", 2)).forEach(f -> found.put(f[0], f[1]));
        });
        Map<String, String> outcomes = new LinkedHashMap<>();
        targets.stream().filter(found::containsKey).forEach(t -> outcomes.put(t, found.get(t)));
        assertThat(outcomes.keySet()).as("probe output as nobody").containsExactlyElementsOf(targets);
        return outcomes;
    }

    /** The load balancer that holds the VIP now. */
    String vipHolder() {
        for (Host lb : topology.hosts(Role.LB)) {
            Exec.Result r = Exec.run(List.of("ip", "-n", topology.name() + "-" + lb.name(), "-4", "-o", "addr", "show", "dev", "eth0"));
            if (r.stdout().contains(" " + topology.network().vip() + "/")) {
                return lb.name();
            }
        }
        return "nobody";
    }

    /** Every probe source: the root namespace, then every host. */
    List<String> sources() {
        List<String> sources = new ArrayList<>(List.of(ROOT));
        for (Role role : Role.values()) {
            topology.hosts(role).forEach(h -> sources.add(h.name()));
        }
        return sources;
    }

    /** Every destination address: the VIP, then every host. */
    List<String> destinations() {
        List<String> addresses = new ArrayList<>(List.of(topology.network().vip().toString()));
        for (Role role : Role.values()) {
            topology.hosts(role).forEach(h -> addresses.add(h.address().toString()));
        }
        return addresses;
    }

    private static String testClasses() {
        try {
            return Path.of(TcpProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code address:port} with the address named: VIP or the host's name. */
    String label(String target) {
        String address = target.substring(0, target.lastIndexOf(':'));
        String port = target.substring(target.lastIndexOf(':') + 1);
        return (address.equals(topology.network().vip().toString()) ? "VIP" : policy.hostAt(address).name()) + ":" + port;
    }

    /** Rows: sources; columns: destinations; a cell lists the ports that connected ("-": none). */
    String matrix(Map<String, Map<String, TcpProbe.Outcome>> observed) {
        List<String> columns = new ArrayList<>();
        for (String address : destinations()) {
            columns.add(address.equals(topology.network().vip().toString()) ? "VIP" : policy.hostAt(address).name());
        }
        List<String[]> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("from \\ to"));
        header.addAll(columns);
        rows.add(header.toArray(String[]::new));
        TreeSet<String> refused = new TreeSet<>();
        for (var entry : observed.entrySet()) {
            List<String> row = new ArrayList<>(List.of(entry.getKey()));
            for (String address : destinations()) {
                List<String> open = new ArrayList<>();
                boolean self = false;
                for (int port : PORTS) {
                    TcpProbe.Outcome o = entry.getValue().get(address + ":" + port);
                    if (o == null) {
                        self = true;
                    } else if (o == TcpProbe.Outcome.OPEN) {
                        open.add(Integer.toString(port));
                    } else if (o != TcpProbe.Outcome.DROPPED) {
                        refused.add(entry.getKey() + " -> " + label(address + ":" + port) + " " + o);
                    }
                }
                row.add(self ? "(self)" : open.isEmpty() ? "-" : String.join(",", open));
            }
            rows.add(row.toArray(String[]::new));
        }
        int[] widths = new int[header.size()];
        rows.forEach(r -> {
            for (int i = 0; i < r.length; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        });
        StringBuilder out = new StringBuilder("Reachability of " + topology.name() + " (TCP connects on ports " + PORTS
                + "; a cell lists the ports that connected, every other probe was dropped):\n");
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                out.append(String.format("%-" + (widths[i] + 2) + "s", r[i]));
            }
            out.setLength(out.length() - 2);
            out.append('\n');
        }
        if (!refused.isEmpty()) {
            out.append("answered but not connected (allowed, nothing listening): ").append(String.join("; ", refused)).append('\n');
        }
        return out.toString();
    }
}
