package dev.scaleup.ops;

import dev.scaleup.runtime.ProcessSpec;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** What runs where and whether it is healthy: every host checked at once. */
public final class Status {

    /** One host's line of the status table. */
    public record HostStatus(Host host, Map<String, Optional<Long>> processes, HostHealth health) {
        public boolean healthy() {
            return processes.values().stream().allMatch(Optional::isPresent) && health.healthy();
        }
    }

    /**
     * The whole deployment; {@code etcd} maps each coordination member to whether it reports a healthy cluster;
     * {@code gateway} is the state of the rules that keep local users other than root off the hosts; {@code degraded}
     * says what keeps a host out of service although it runs (drained, or an interrupted operation's leftovers).
     */
    public record Report(Topology topology, List<HostStatus> hosts, Map<String, Boolean> etcd, Firewall.State gateway,
                         List<String> degraded) {
        public boolean etcdQuorum() {
            return etcd.values().stream().filter(Boolean::booleanValue).count() >= etcd.size() / 2 + 1;
        }

        public Optional<Host> vipHolder() {
            List<Host> holders = hosts.stream()
                    .filter(h -> Boolean.TRUE.equals(h.health().facts().get("vip_holder")))
                    .map(HostStatus::host).toList();
            return holders.size() == 1 ? Optional.of(holders.get(0)) : Optional.empty();
        }

        public long vipHolders() {
            return hosts.stream().filter(h -> Boolean.TRUE.equals(h.health().facts().get("vip_holder"))).count();
        }

        public boolean healthy() {
            return vipHolders() == 1 && etcdQuorum() && gateway.inPlace() && degraded.isEmpty()
                    && hosts.stream().allMatch(HostStatus::healthy);
        }
    }

    private Status() {
    }

    public static Report collect(Deployment deployment) {
        Topology topology = deployment.topology();
        Map<Host, HostStatus> byHost = new ConcurrentHashMap<>();
        Parallel.forEach(topology.hosts(), host -> byHost.put(host, check(deployment, host)));
        List<HostStatus> ordered = new ArrayList<>();
        for (Role role : Role.values()) {
            topology.hosts(role).forEach(h -> ordered.add(byHost.get(h)));
        }
        Coordination coordination = new Coordination(deployment);
        Map<String, Boolean> etcd = new LinkedHashMap<>();
        coordination.members().forEach(m -> etcd.put(m.name(), coordination.healthy(m)));
        return new Report(topology, ordered, etcd, deployment.provisioner().gatewayState(),
                degraded(Journal.read(deployment.state()), deployment.drainedApps(), ordered));
    }

    /** What keeps hosts out of service although they run: an interrupted operation, drains in nginx and HAProxy. */
    static List<String> degraded(Optional<Journal> journal, java.util.Set<String> drainedApps, List<HostStatus> hosts) {
        List<String> degraded = new ArrayList<>();
        Optional<Journal> running = journal.filter(Journal::inProgress);
        journal.filter(j -> !j.inProgress()).ifPresent(j -> degraded.add(j.describe()
                + " did not finish; the next command (`scaleup up`) mends what it left"));
        String during = running.map(j -> " (by the `" + j.operation() + "` under way)").orElse("");
        if (!drainedApps.isEmpty()) {
            degraded.add(String.join(", ", drainedApps.stream().sorted().toList()) + " drained in nginx" + during);
        }
        for (HostStatus h : hosts) {
            if (h.health().facts().get(LbService.DRAINED) instanceof List<?> webs && !webs.isEmpty()) {
                degraded.add(webs.stream().map(Object::toString).collect(java.util.stream.Collectors.joining(", "))
                        + " drained in HAProxy on " + h.host().name() + during);
            }
        }
        return List.copyOf(degraded);
    }

    private static HostStatus check(Deployment deployment, Host host) {
        Map<String, Optional<Long>> processes = new LinkedHashMap<>();
        if (!deployment.target().exists(host)) {
            deployment.processes(host).forEach(p -> processes.put(p.name(), Optional.empty()));
            // netns: its namespace is gone; hosts: the server does not answer over SSH
            return new HostStatus(host, processes, HostHealth.of(false, "host missing or unreachable"));
        }
        HostService service = deployment.services().of(host.role());
        for (ProcessSpec spec : deployment.processes(host)) {
            processes.put(spec.name(), deployment.running(host, spec));
        }
        // security: a host whose firewall is missing or stale is not healthy
        return new HostStatus(host, processes, Firewall.withState(deployment, host, service.health(host)));
    }
}
