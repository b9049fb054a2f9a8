package dev.scaleup.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.scaleup.ops.Deployment;
import dev.scaleup.ops.Status;
import dev.scaleup.topology.TopologyLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Shows what runs where and whether it is healthy: VIP holder, HAProxy backends, database "
                + "roles and replication lag. Exits 3 when anything is unhealthy."})
final class StatusCommand implements Callable<Integer> {

    static final int UNHEALTHY = 3;

    @Mixin
    CommonOptions common;

    @Option(names = "--json", description = "Print the status as JSON.")
    boolean json;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE",
            description = "Topology file: the hosts to check (default: the topology the deployment runs).")
    Path file;

    @Override
    public Integer call() throws Exception {
        CommonOptions.requireRoot();
        Deployment deployment = file == null ? common.deployment()
                : new Deployment(TopologyLoader.load(file, CommonOptions.repoRoot()), common.state(), CommonOptions.repoRoot());
        Status.Report report = Status.collect(deployment);
        System.out.println(json ? toJson(report) : toTable(report));
        return report.healthy() ? 0 : UNHEALTHY;
    }

    static String toJson(Status.Report report) throws Exception {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("deployment", report.topology().name());
        root.put("healthy", report.healthy());
        Map<String, Object> vip = new LinkedHashMap<>();
        vip.put("address", report.topology().network().vip().toString());
        vip.put("holder", report.vipHolder().map(h -> h.name()).orElse(null));
        vip.put("holders", report.vipHolders());
        root.put("vip", vip);
        root.put("degraded", report.degraded());
        Map<String, Object> etcd = new LinkedHashMap<>();
        etcd.put("quorum", report.etcdQuorum());
        List<Map<String, Object>> members = new ArrayList<>();
        report.etcd().forEach((name, healthy) -> {
            Map<String, Object> member = new LinkedHashMap<>();
            member.put("host", name);
            member.put("healthy", healthy);
            members.add(member);
        });
        etcd.put("members", members);
        root.put("etcd", etcd);
        root.put("gateway_firewall", report.gateway().name().toLowerCase(java.util.Locale.ROOT));
        List<Map<String, Object>> hosts = new ArrayList<>();
        for (Status.HostStatus h : report.hosts()) {
            Map<String, Object> host = new LinkedHashMap<>();
            host.put("name", h.host().name());
            host.put("role", h.host().role().prefix());
            host.put("address", h.host().address().toString());
            host.put("healthy", h.healthy());
            List<Map<String, Object>> processes = new ArrayList<>();
            h.processes().forEach((name, pid) -> {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("name", name);
                p.put("running", pid.isPresent());
                p.put("pid", pid.orElse(null));
                processes.add(p);
            });
            host.put("processes", processes);
            host.put("details", h.health().details());
            host.putAll(h.health().facts());
            hosts.add(host);
        }
        root.put("hosts", hosts);
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
    }

    static String toTable(Status.Report report) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"HOST", "ROLE", "ADDRESS", "PROCESSES", "HEALTH", "DETAILS"});
        for (Status.HostStatus h : report.hosts()) {
            List<String> processes = new ArrayList<>();
            h.processes().forEach((name, pid) -> processes.add(name + (pid.map(p -> " " + p).orElse(" DOWN"))));
            rows.add(new String[] {h.host().name(), h.host().role().prefix(), h.host().address().toString(),
                String.join(", ", processes), h.healthy() ? "healthy" : "UNHEALTHY", h.health().details()});
        }
        int[] widths = new int[6];
        rows.forEach(r -> {
            for (int i = 0; i < r.length; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        });
        StringBuilder out = new StringBuilder();
        Optional<String> holder = report.vipHolder().map(h -> h.name());
        out.append("deployment ").append(report.topology().name()).append(": ")
                .append(report.healthy() ? "healthy" : "NOT HEALTHY").append("; VIP ").append(report.topology().network().vip())
                .append(" on ").append(holder.orElse(report.vipHolders() == 0 ? "nobody" : report.vipHolders() + " hosts (split brain)"))
                .append('\n');
        out.append("etcd (Patroni's coordination store): ").append(report.etcdQuorum() ? "quorum" : "NO QUORUM").append(", members ");
        out.append(String.join(", ", report.etcd().entrySet().stream()
                .map(e -> e.getKey() + (e.getValue() ? " healthy" : " DOWN")).toList())).append('\n');
        out.append("gateway firewall (only root reaches the hosts from this machine): ").append(switch (report.gateway()) {
            case CURRENT -> "current";
            case NONE_NEEDED -> "none needed (the hosts are servers of their own)";
            case STALE -> "STALE (run scaleup up)";
            default -> "MISSING (run scaleup up)";
        }).append('\n');
        report.degraded().forEach(d -> out.append("DEGRADED: ").append(d).append('\n'));
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                out.append(i == r.length - 1 ? r[i] : String.format("%-" + (widths[i] + 2) + "s", r[i]));
            }
            out.append('\n');
        }
        return out.toString().stripTrailing();
    }
}
