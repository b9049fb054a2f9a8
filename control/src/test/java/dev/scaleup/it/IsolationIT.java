package dev.scaleup.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.render.FirewallConfig;
import dev.scaleup.render.PatroniConfig;
import dev.scaleup.runtime.Exec;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tiers isolated by each host's firewall, and the hosts by the gateway's rules from local users of the machine (the
 * shared secit stack; docs/SECURITY.md). A test that removes a firewall has up load it again before it ends.
 */
class IsolationIT {

    @RegisterExtension
    static final TestStack STACK = TestStack.SECIT;

    private final Topology topology = STACK.topology();
    private final Reachability reachability = new Reachability(topology);

    @Test
    void upLoadsEveryHostsFirewallBeforeItsProcessesStart() {
        String out = STACK.firstUp().out();
        for (Host host : topology.hosts()) {
            int loaded = out.indexOf(host.name() + ": loaded its firewall");
            assertThat(loaded).as(host.name() + " firewall loaded:\n" + out).isNotNegative();
            int started = out.indexOf(host.name() + ": started ");
            assertThat(started).as(host.name() + " started after its firewall").isGreaterThan(loaded);
        }
    }

    @Test
    void exactlyTheAllowedFlowsConnect() throws Exception {
        FlowPolicy policy = new FlowPolicy(topology);
        Map<String, Map<String, TcpProbe.Outcome>> observed = reachability.probeAll(1500);
        List<String> wrong = new ArrayList<>();
        observed.forEach((source, outcomes) -> outcomes.forEach((target, outcome) -> {
            TcpProbe.Outcome expected = policy.expected(source, target);
            if (outcome != expected) {
                // once more, alone and with more time: the machine may be busy
                TcpProbe.Outcome again = reachability.probe(source, List.of(target), 4000).get(target);
                outcomes.put(target, again);
                if (again != expected) {
                    wrong.add(source + " -> " + reachability.label(target) + ": expected " + expected + ", got " + outcome
                            + " then " + again);
                }
            }
        }));
        String matrix = reachability.matrix(observed);
        System.out.println(matrix);
        Files.writeString(STACK.work().resolve("reachability.txt"), matrix);
        assertThat(wrong).as("flows that differ from the policy; observed:\n" + matrix).isEmpty();
    }

    @Test
    void aRemovedFirewallMakesTheHostUnhealthyAndUpLoadsItAgain() throws Exception {
        String web1 = topology.name() + "-web1";
        Exec.run(List.of("ip", "netns", "exec", web1, "nft", "delete", "table", "inet", "scaleup")).orThrow();
        Cli.Run up;
        try {
            Cli.Run status = STACK.cli("status");
            assertThat(status.exitCode()).isEqualTo(3);
            assertThat(status.out()).containsPattern("web1 .*UNHEALTHY.*firewall MISSING");
        } finally {
            up = STACK.up();
        }
        assertThat(up.exitCode()).as(up.err()).isZero();
        assertThat(up.out()).contains("web1: loaded its firewall").doesNotContain("web2: loaded")
                .doesNotContain("started");
        Cli.Run again = STACK.up();
        assertThat(again.out()).contains("nothing to do").doesNotContain("firewall");
        String json = STACK.cli("status", "--json").out();
        assertThat(json).doesNotContain("\"firewall\" : \"missing\"").doesNotContain("\"firewall\" : \"stale\"")
                .contains("\"firewall\" : \"current\"");
    }

    @Test
    void onTheMachineOnlyRootReachesTheHostsAndEveryLocalUserTheVip() throws Exception {
        List<String> targets = new ArrayList<>();
        for (String address : reachability.destinations()) {
            Reachability.PORTS.forEach(port -> targets.add(address + ":" + port));
        }
        Map<String, String> observed = Reachability.probeAsLocalUser(targets);
        List<String> wrong = new ArrayList<>();
        StringBuilder row = new StringBuilder("a local user (nobody) in the machine's namespace reaches:");
        for (String target : targets) {
            String address = target.substring(0, target.lastIndexOf(':'));
            int port = Integer.parseInt(target.substring(target.lastIndexOf(':') + 1));
            boolean vip = address.equals(topology.network().vip().toString());
            String expected = !vip ? "REFUSED" // the gateway rules reject it before it leaves the machine's namespace
                    : port == topology.lb().port() || port == topology.lb().edge().httpsPort() ? "OPEN" : "DROPPED";
            if (observed.get(target).equals("OPEN")) {
                row.append(' ').append(reachability.label(target));
            }
            if (!observed.get(target).equals(expected)) {
                // once more, alone and with more time: the machine may be busy (a stall reads as DROPPED)
                String again = Reachability.probeAsLocalUser(List.of(target), 4).get(target);
                if (!again.equals(expected)) {
                    wrong.add(reachability.label(target) + ": expected " + expected + ", got " + observed.get(target)
                            + " then " + again);
                }
            }
        }
        System.out.println(row);
        Files.writeString(STACK.work().resolve("reachability-local-user.txt"), row + "\n");
        assertThat(wrong).as("what a local user other than root reaches").isEmpty();

        // without the gateway rules, the same user would reach Patroni's REST API: status says so, up loads them
        String table = FirewallConfig.gatewayTable(topology);
        Exec.run(List.of("nft", "delete", "table", "inet", table)).orThrow();
        String patroni = topology.hosts(Role.DB).get(0).address() + ":" + PatroniConfig.REST_PORT;
        Cli.Run up;
        try {
            assertThat(Reachability.probeAsLocalUser(List.of(patroni))).as("the exposure the rules close")
                    .containsEntry(patroni, "OPEN");
            Cli.Run status = STACK.cli("status");
            assertThat(status.exitCode()).isEqualTo(3);
            assertThat(status.out()).contains("gateway firewall (only root reaches the hosts from this machine): MISSING");
        } finally {
            up = STACK.up();
        }
        assertThat(up.exitCode()).as(up.err()).isZero();
        assertThat(up.out()).contains("gateway: loaded table inet " + table).doesNotContain("started")
                .doesNotContain("its firewall");
        assertThat(Reachability.probeAsLocalUser(List.of(patroni))).containsEntry(patroni, "REFUSED");
        assertThat(STACK.cli("status", "--json").out()).contains("\"gateway_firewall\" : \"current\"");
    }
}
