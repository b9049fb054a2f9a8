package dev.scaleup.ops;

import static java.util.Objects.requireNonNull;

import dev.scaleup.render.HaproxyConfig;
import dev.scaleup.render.HostPaths;
import dev.scaleup.render.KeepalivedConfig;
import dev.scaleup.render.VipCheck;
import dev.scaleup.runtime.ProcessSpec;
import dev.scaleup.runtime.Readiness;
import dev.scaleup.topology.Host;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A load balancer: HAProxy in master-worker mode over the web tier, keepalived holding or standing by for the VIP. */
public final class LbService implements HostService {

    /** The fact naming the web hosts HAProxy does not send new requests to (DRAIN or MAINT): see Status.degraded. */
    static final String DRAINED = "drained";
    private final Deployment deployment;
    private final Tools tools;

    public LbService(Deployment deployment, Tools tools) {
        this.deployment = requireNonNull(deployment, "deployment is null");
        this.tools = requireNonNull(tools, "tools is null");
    }

    @Override
    public List<ProcessSpec> processes(Host host) {
        HostPaths paths = deployment.paths(host);
        return concat(
                ProcessSpec.of("haproxy", List.of(tools.haproxy().toString(), "-W", "-db",
                        "-f", paths.conf(HaproxyConfig.FILE).toString())).withLogPipe(),
                ProcessSpec.of("keepalived", HaproxyConfig.keepalivedCommand(paths))
                        .withExecutable("keepalived").startedBy("haproxy"),
                Monitors.exporters(deployment, host).toArray(ProcessSpec[]::new));
    }

    /**
     * A VIP left on the interface by a keepalived that was killed (SIGKILL leaves its addresses behind) is removed
     * before the host's processes start: the host would answer ARP for the VIP while nothing manages it, and once its
     * HAProxy answers, the other load balancer's split-brain check (vip-check.sh) would take it for a live holder and
     * give way to it.
     */
    @Override
    public String prepare(Host host) {
        protectFiles(host);
        if (deployment.isRunning(host, processes(host).get(1)) || !holdsVip(host)) {
            return null;
        }
        var network = deployment.topology().network();
        String removed = deployment.target().removeAddress(host, network.vip() + "/" + network.subnet().prefix());
        return removed == null ? null : removed + " (left by a keepalived that no longer runs)";
    }

    /**
     * Everything of a load balancer is root's alone (tls.pem holds the VIP's private key): its processes that read
     * files, HAProxy's master and keepalived, run as root; the workers are chrooted to an empty directory.
     */
    private void protectFiles(Host host) {
        HostPaths paths = deployment.paths(host);
        Path empty = HaproxyConfig.chroot(paths);
        try {
            Files.createDirectories(empty);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + empty, e);
        }
        deployment.target().own(host, empty, "root", "root", 0755);
        if (deployment.topology().monitoring().enabled()) {
            // node-exporter (user prometheus) reads keepalived's state in run/textfile/: the host's directory may
            // be passed through, not listed; the logs (client addresses) stay root's
            Path textfile = dev.scaleup.render.VrrpNotify.textfileDir(paths);
            try {
                Files.createDirectories(textfile);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot make " + textfile, e);
            }
            deployment.target().own(host, textfile, "root", "root", 0755);
            deployment.target().own(host, paths.logs(), "root", "root", 0750);
            deployment.target().own(host, paths.root(), "root", "root", 0711);
        } else {
            deployment.target().own(host, paths.root(), "root", "root", 0700);
        }
    }

    private static List<ProcessSpec> concat(ProcessSpec haproxy, ProcessSpec keepalived, ProcessSpec... more) {
        List<ProcessSpec> all = new java.util.ArrayList<>(List.of(haproxy, keepalived));
        all.addAll(List.of(more));
        return List.copyOf(all);
    }

    @Override
    public void awaitReady(Host host, ProcessSpec spec) {
        if (Monitors.isExporter(spec)) {
            Monitors.awaitListening(deployment, host, spec);
        } else if (spec.name().equals("haproxy")) {
            Readiness.await(host.name() + " haproxy runtime API at " + socket(host), Duration.ofSeconds(20),
                    () -> !backends(host).isEmpty(), () -> deployment.isRunning(host, spec));
        } else {
            // keepalived is started by HAProxy's master; it is ready once its pid file names it
            Readiness.await(host.name() + " keepalived running (started by haproxy)", Duration.ofSeconds(10),
                    () -> deployment.isRunning(host, spec), () -> true);
        }
    }

    /**
     * HAProxy's master re-executes on USR2 and takes the listening sockets over (seamless); keepalived, a program
     * without start-on-reload, keeps running and re-reads its own config on HUP.
     */
    @Override
    public String reload(Host host, List<String> changedFiles) {
        List<String> done = new java.util.ArrayList<>();
        if (changedFiles.contains(HaproxyConfig.FILE)) {
            Signals.send(deployment, host, processes(host).get(0), "USR2");
            done.add("haproxy");
        }
        if (changedFiles.contains(KeepalivedConfig.FILE)) {
            Signals.send(deployment, host, processes(host).get(1), "HUP");
            done.add("keepalived");
        }
        if (done.isEmpty()) {
            // only vip-check.sh changed: keepalived reads it at each run
            return host.name() + ": " + String.join(", ", changedFiles) + " in effect at keepalived's next check";
        }
        return host.name() + ": reloaded " + String.join(" and ", done);
    }

    public boolean holdsVip(Host host) {
        return deployment.target().hasAddress(host, deployment.topology().network().vip().toString());
    }

    /** Runs a command of HAProxy's runtime API on the host; returns its answer, or throws. */
    public String command(Host host, String command) {
        try {
            return deployment.target().askSocket(host, socket(host), command);
        } catch (IOException e) {
            throw new OperatorException(host.name() + ": HAProxy's runtime API does not answer (" + command + "): "
                    + e.getMessage(), e);
        }
    }

    List<HaproxySocket.ServerState> backends(Host host) {
        try {
            return HaproxySocket.parseStat(deployment.target().askSocket(host, socket(host), "show stat"), HaproxyConfig.BACKEND);
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * The sessions each web host has on this load balancer, over both backends that send to it (be_web, and
     * be_web_once for requests that may not be sent twice); empty when HAProxy does not answer.
     */
    Map<String, Long> webSessions(Host host) {
        Map<String, Long> sessions = new LinkedHashMap<>();
        try {
            String stat = deployment.target().askSocket(host, socket(host), "show stat");
            for (String backend : List.of(HaproxyConfig.BACKEND, HaproxyConfig.ONCE_BACKEND)) {
                for (HaproxySocket.ServerState server : HaproxySocket.parseStat(stat, backend)) {
                    sessions.merge(server.server(), server.sessions(), Long::sum);
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        return sessions;
    }

    private java.nio.file.Path socket(Host host) {
        return HaproxyConfig.socket(deployment.paths(host));
    }

    @Override
    public HostHealth health(Host host) {
        List<HaproxySocket.ServerState> servers = backends(host);
        long up = servers.stream().filter(HaproxySocket.ServerState::up).count();
        boolean keepalived = processes(host).stream().filter(p -> p.name().equals("keepalived"))
                .allMatch(p -> deployment.isRunning(host, p));
        boolean vip = holdsVip(host);
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("vip_holder", vip);
        facts.put("backends_up", up);
        facts.put("backends", servers.size());
        facts.put(DRAINED, servers.stream().filter(HaproxySocket.ServerState::drained)
                .map(HaproxySocket.ServerState::server).toList());
        StringBuilder details = new StringBuilder(vip ? "VIP holder (MASTER), " : "standby (BACKUP), ");
        details.append("backends up ").append(up).append('/').append(servers.size());
        servers.stream().filter(s -> !s.up()).forEach(s -> details.append(", ").append(s.server()).append(' ').append(s.status()));
        if (!keepalived) {
            details.append(", keepalived not running");
        }
        // the split-brain check's marker: this load balancer holds back while the other one holds the VIP
        boolean gaveWay = java.nio.file.Files.exists(VipCheck.marker(deployment.paths(host)));
        facts.put("vip_gave_way", gaveWay);
        if (gaveWay) {
            details.append(", gave way: another host answers for the VIP (VRRP not heard); holds back up to ")
                    .append(VipCheck.HOLD_SECONDS).append(" s");
        }
        return new HostHealth(!servers.isEmpty() && up > 0 && keepalived, details.toString(), facts);
    }
}
