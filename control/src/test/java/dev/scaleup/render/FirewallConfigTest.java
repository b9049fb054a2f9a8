package dev.scaleup.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.topology.Host;
import dev.scaleup.topology.Ipv4;
import dev.scaleup.topology.Network;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Subnet;
import dev.scaleup.topology.Topology;
import dev.scaleup.topology.TopologyLoader;
import dev.scaleup.topology.Web;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Who may reach whom, as the rendered rules of the default deployment say; the stack IT checks it on real hosts. */
class FirewallConfigTest {

    static final Topology T = Fixtures.defaultTopology();
    static final Ipv4 GATEWAY = Ipv4.parse("198.18.0.1");
    static final Ipv4 VIP = Ipv4.parse("198.18.0.100");

    static Ipv4 ip(String host) {
        return Fixtures.host(T, host).address();
    }

    static boolean admits(String source, String target, int port) {
        Ipv4 from = source.equals("gateway") ? GATEWAY : ip(source);
        return FirewallConfig.admitsTcp(T, Fixtures.host(T, target), from, ip(target), port);
    }

    @Test
    void withoutThePoolerTheAppHostsReachPostgresItself() {
        Topology direct = Fixtures.noPoolerTopology();
        Host db1 = Fixtures.host(direct, "db1");
        assertThat(FirewallConfig.admitsTcp(direct, db1, ip("app2"), ip("db1"), 5432)).isTrue();
        assertThat(FirewallConfig.admitsTcp(direct, db1, ip("app2"), ip("db1"), 6432)).isFalse();
        assertThat(FirewallConfig.admitsTcp(direct, db1, ip("web1"), ip("db1"), 5432)).isFalse();
    }

    @Test
    void loadBalancersAcceptClientsOnlyAtTheVipAndVrrpOnlyFromTheirPeer() {
        Host lb1 = Fixtures.host(T, "lb1");
        for (Ipv4 anyone : List.of(GATEWAY, ip("app2"), ip("db1"), Ipv4.parse("198.18.0.250"))) {
            assertThat(FirewallConfig.admitsTcp(T, lb1, anyone, VIP, 80)).isTrue();
            assertThat(FirewallConfig.admitsTcp(T, lb1, anyone, VIP, 443)).isTrue();
            assertThat(FirewallConfig.admitsTcp(T, lb1, anyone, VIP, 8080)).isFalse();
            assertThat(FirewallConfig.admitsTcp(T, lb1, anyone, ip("lb1"), 80)).as("the LB's own address").isFalse();
        }
        FirewallConfig.Allow vrrp = FirewallConfig.rules(T, lb1).stream().filter(r -> r.protocol().equals("vrrp"))
                .findFirst().orElseThrow();
        assertThat(vrrp.sources()).containsExactly(ip("lb2"));
        assertThat(FirewallConfig.render(T, lb1, Fixtures.goldenPaths(lb1)).content())
                .contains("ip saddr 198.18.0.12 ip protocol 112 accept")
                .contains("ip daddr 198.18.0.100 tcp dport { 80, 443 } accept");
    }

    @Test
    void eachTierAcceptsOnlyTheTierInFrontOfItAndTheControlPlane() {
        assertThat(admits("lb1", "web1", 80)).isTrue();
        assertThat(admits("gateway", "web2", 80)).isTrue();
        assertThat(admits("app1", "web1", 80)).isFalse();
        assertThat(admits("web2", "web1", 80)).isFalse();

        assertThat(admits("web1", "app3", 8080)).isTrue();
        assertThat(admits("gateway", "app3", 8080)).isTrue();
        assertThat(admits("lb1", "app3", 8080)).as("load balancers skip no tier").isFalse();
        assertThat(admits("db1", "app3", 8080)).isFalse();

        // the app hosts reach PgBouncer (db.pooler, the default), not PostgreSQL itself
        assertThat(admits("app2", "db1", 6432)).isTrue();
        assertThat(admits("app2", "db1", 5432)).isFalse();
        assertThat(admits("db2", "db1", 6432)).isFalse();
        assertThat(admits("db2", "db1", 5432)).isTrue();
        assertThat(admits("web1", "db1", 5432)).isFalse();
        assertThat(admits("gateway", "db1", 5432)).as("the control plane uses the unix socket").isFalse();
        assertThat(admits("db2", "db1", 8008)).isTrue();
        assertThat(admits("gateway", "db1", 8008)).isTrue();
        assertThat(admits("app1", "db1", 8008)).isFalse();
    }

    @Test
    void etcdMembersAreTheDbHostsAndAcceptOnlyEachOther() {
        assertThat(Etcd.members(T)).extracting(Host::name).containsExactly("db1", "db2", "db3");
        assertThat(admits("db1", "db3", 2379)).isTrue();
        assertThat(admits("db2", "db3", 2380)).isTrue();
        assertThat(admits("db3", "db1", 2380)).isTrue();
        assertThat(admits("gateway", "db2", 2379)).isTrue();
        assertThat(admits("gateway", "db2", 2380)).isFalse();
        assertThat(admits("app1", "db1", 2379)).as("the app tier takes no part").isFalse();
        assertThat(admits("app1", "db1", 2380)).isFalse();
        assertThat(admits("web1", "db1", 2379)).isFalse();
        assertThat(FirewallConfig.rules(T, Fixtures.host(T, "app1"))).as("no etcd rules on app hosts: nginx, the control plane,"
                + " Prometheus").hasSize(3);
    }

    @Test
    void theFileReplacesOnlyItsOwnTableAtomicallyAndDropsByDefault() {
        Host web1 = Fixtures.host(T, "web1");
        String text = FirewallConfig.render(T, web1, Fixtures.goldenPaths(web1)).content();
        assertThat(text).contains("table inet scaleup\ndelete table inet scaleup\ntable inet scaleup {\n")
                .contains("type filter hook input priority filter; policy drop;")
                .contains("ct state established,related accept")
                .contains("iif \"lo\" accept")
                .contains("comment \"" + FirewallConfig.version(T, web1) + "\"")
                .doesNotContain("flush ruleset");
    }

    @Test
    void theVersionChangesExactlyForTheHostsWhoseRulesChange() {
        Topology moreWeb = T.withWeb(new Web(3, 80));
        for (String name : List.of("lb1", "lb2", "web1", "db1", "db2")) {
            assertThat(FirewallConfig.version(moreWeb, moreWeb.host(name).orElseThrow()))
                    .as(name).isEqualTo(FirewallConfig.version(T, Fixtures.host(T, name)));
        }
        for (String name : List.of("app1", "app2", "app3")) {
            assertThat(FirewallConfig.version(moreWeb, moreWeb.host(name).orElseThrow()))
                    .as(name + " now also accepts web3").isNotEqualTo(FirewallConfig.version(T, Fixtures.host(T, name)));
        }
    }

    @Test
    void onTheMachineOnlyRootReachesTheHostsAndEveryoneTheVip() {
        String text = FirewallConfig.gateway(T);
        assertThat(FirewallConfig.gatewayTable(T)).isEqualTo("scaleup_scaleup");
        assertThat(text).contains("table inet scaleup_scaleup\ndelete table inet scaleup_scaleup\ntable inet scaleup_scaleup {\n")
                .contains("type filter hook output priority filter; policy accept;")
                .contains("ip daddr 198.18.0.0/24 ip daddr != 198.18.0.100 meta skuid != 0 counter reject")
                .contains("comment \"" + FirewallConfig.gatewayVersion(T) + "\"")
                .doesNotContain("flush ruleset").doesNotContain("policy drop");
        Topology other = Topology.defaults("shop", Path.of("/srv/site")).withNetwork(Network.in(Subnet.parse("198.19.3.0/24")));
        assertThat(FirewallConfig.gatewayTable(other)).as("deployments side by side keep their own tables")
                .isEqualTo("scaleup_shop");
        assertThat(FirewallConfig.gatewayVersion(other)).isNotEqualTo(FirewallConfig.gatewayVersion(T));
    }

    @Test
    void everyHostGetsAFirewall() {
        assertThat(Stream.of(Role.values()).flatMap(r -> T.hosts(r).stream())
                .map(h -> Renderers.forHost(T, h, Fixtures.goldenPaths(h), Fixtures.SECRETS))
                .allMatch(files -> files.stream().anyMatch(f -> f.name().equals(FirewallConfig.FILE)))).isTrue();
    }

    @Test
    void onServersSshIsOpenToEveryAddressOnEachHostsOwnPortAndNamespacesHaveNoSshRule() {
        Topology servers = TopologyLoader.parse("""
                target: hosts
                network: {subnet: 10.0.0.0/24, interface: ens3}
                ssh: {key: /keys/id}
                hosts:
                  lb1: {address: 10.0.0.11}
                  lb2: {address: 10.0.0.12}
                  web1: {address: 10.0.0.21}
                  app1: {address: 10.0.0.41}
                  db1: {address: 10.0.0.81, ssh_port: 2222}
                """, Path.of("/lab"), Path.of("hosts.yaml"));
        Ipv4 anywhere = Ipv4.parse("203.0.113.9");
        for (Host host : servers.hosts()) {
            int port = host.name().equals("db1") ? 2222 : 22;
            assertThat(FirewallConfig.admitsTcp(servers, host, anywhere, host.address(), port)).as(host.name()).isTrue();
            assertThat(FirewallConfig.rules(servers, host).get(0).why()).startsWith("SSH");
        }
        for (Host host : T.hosts()) {
            assertThat(FirewallConfig.admitsTcp(T, host, GATEWAY, host.address(), 22)).as(host.name()).isFalse();
        }
    }
}
