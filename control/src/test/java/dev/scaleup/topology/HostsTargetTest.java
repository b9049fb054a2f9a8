package dev.scaleup.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code target: hosts}: the servers listed in the file, and every refusal with its exact message. */
class HostsTargetTest {

    private static final Path DIR = Path.of("/lab");

    /** A valid hosts file of three lines' preamble; hosts and tiers appended by each test. */
    private static final String HEAD = """
            target: hosts
            network:
              subnet: 198.18.16.0/24
              interface: host0
            ssh:
              key: lab/id_ed25519
            """;

    private static final String SIX = """
            hosts:
              lb1: {address: 198.18.16.11}
              lb2: {address: 198.18.16.12}
              web1: {address: 198.18.16.21}
              app1: {address: 198.18.16.41}
              db1: {address: 198.18.16.81}
              db2: {address: 198.18.16.82}
            """;

    private static Topology parse(String yaml) {
        return TopologyLoader.parse(yaml, DIR, Path.of("hosts.yaml"));
    }

    private static List<String> problems(String yaml) {
        TopologyException e = catchThrowableOfType(TopologyException.class, () -> parse(yaml));
        assertThat(e).as("expected problems").isNotNull();
        return e.problems();
    }

    @Test
    void countsDefaultToTheHostsListedAndAddressesAreTheListedOnes() {
        Topology t = parse(HEAD + SIX);
        assertThat(List.of(t.lb().count(), t.web().count(), t.app().count(), t.db().replicas())).containsExactly(2, 1, 1, 1);
        assertThat(t.hosts()).extracting(h -> h.name() + "=" + h.address()).containsExactly("db1=198.18.16.81",
                "db2=198.18.16.82", "app1=198.18.16.41", "web1=198.18.16.21", "lb1=198.18.16.11", "lb2=198.18.16.12");
        assertThat(t.servers().named("lb1").orElseThrow().ssh()).isEqualTo(new Ssh("root", 22, DIR.resolve("lab/id_ed25519"), false));
    }

    @Test
    void aCountBelowTheListedLeavesSparesAndTheAddressPlanIsNotUsed() {
        Topology t = parse(HEAD + SIX + "  web2: {address: 198.18.16.5}\n  web3: {address: 198.18.16.200}\nweb:\n  count: 2\n");
        assertThat(t.hosts(Role.WEB)).extracting(h -> h.name() + "=" + h.address())
                .containsExactly("web1=198.18.16.21", "web2=198.18.16.5");
        assertThat(t.servers().listed()).hasSize(8);
    }

    @Test
    void anyIpv4NetworkServesOnTheHostsTarget() {
        Topology t = parse(HEAD.replace("198.18.16.0/24", "10.20.0.0/16") + SIX.replace("198.18.16.", "10.20.1."));
        assertThat(t.network().vip()).hasToString("10.20.0.100");
        // .15 is lb5 in the netns address plan: the plan is not used here, so it is a free VIP
        assertThat(parse(HEAD.replace("198.18.16.0/24", "10.20.0.0/16").replace("  interface", "  vip: 10.20.0.15\n  interface")
                + SIX.replace("198.18.16.", "10.20.1.")).network().vip()).hasToString("10.20.0.15");
    }

    @Test
    void knownHostsNamedInTheSshSectionHoldForEveryHost() {
        Topology t = parse(HEAD.replace("ssh:\n", "ssh:\n  known_hosts: lab/known_hosts\n") + SIX);
        assertThat(t.servers().named("db2").orElseThrow().ssh().knownHosts()).isEqualTo(DIR.resolve("lab/known_hosts"));
        assertThat(parse(HEAD + SIX).servers().named("db2").orElseThrow().ssh().knownHosts()).isNull();
    }

    @Test
    void perHostSshOverridesTheSection() {
        Topology t = parse(HEAD + SIX.replace("db2: {address: 198.18.16.82}",
                "db2: {address: 198.18.16.82, ssh_user: admin, ssh_port: 2222, ssh_key: /keys/db2, sudo: true}"));
        assertThat(t.servers().named("db2").orElseThrow().ssh()).isEqualTo(new Ssh("admin", 2222, Path.of("/keys/db2"), true));
    }

    @Test
    void thePoolerRunsOnServersToo() {
        assertThat(parse(HEAD + SIX + "db:\n  pooler: true\n").db().pooler()).isTrue();
        assertThat(parse(HEAD + SIX + "db:\n  pooler: false\n").db().pooler()).isFalse();
    }

    @Test
    void theNetnsTargetRefusesTheHostsTargetsKeys() {
        assertThat(problems(HEAD.replace("target: hosts\n", "") + SIX)).containsExactly(
                "hosts.yaml:3: 'network.interface' is only for 'target: hosts' (servers reached over SSH); this file's"
                        + " target is netns (the default), where every host is a network namespace on this machine:"
                        + " remove 'network.interface' or set 'target: hosts'",
                "hosts.yaml:4: 'ssh' is only for 'target: hosts' (servers reached over SSH); this file's target is netns"
                        + " (the default), where every host is a network namespace on this machine: remove 'ssh' or set"
                        + " 'target: hosts'",
                "hosts.yaml:6: 'hosts' is only for 'target: hosts' (servers reached over SSH); this file's target is"
                        + " netns (the default), where every host is a network namespace on this machine: remove 'hosts'"
                        + " or set 'target: hosts'");
        assertThat(problems("target: netns\nssh:\n  key: k\n")).containsExactly("hosts.yaml:2: 'ssh' is only for"
                + " 'target: hosts' (servers reached over SSH); this file's target is netns, where every host is a"
                + " network namespace on this machine: remove 'ssh' or set 'target: hosts'");
    }

    @Test
    void anUnknownTarget() {
        assertThat(problems("target: local\n")).containsExactly("hosts.yaml:1: 'target' must be netns (network"
                + " namespaces on this machine) or hosts (servers listed under 'hosts', over SSH), got 'local'");
    }

    @Test
    void theHostsTargetNeedsHostsAnInterfaceAndAKey() {
        assertThat(problems("target: hosts\n")).containsExactly(
                "hosts.yaml:1: 'network.interface' is missing: with 'target: hosts' name the interface the servers talk"
                        + " on and the load balancers hold the VIP on (eth0, ens3; host0 in a systemd-nspawn container)",
                "hosts.yaml:1: 'ssh.key' is missing: with 'target: hosts' scaleup logs in to every server with a"
                        + " private key (a file, relative to this file or absolute)",
                "hosts.yaml:1: 'hosts' must list every server scaleup may use, with 'target: hosts': a mapping of host"
                        + " names (lb1, lb2, web1, app1, db1, ...) to each one's address, got nothing");
    }

    @Test
    void theKeyMustExistRelativeToTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("hosts.yaml");
        Files.createDirectories(dir.resolve("site"));
        Files.writeString(file, HEAD + SIX);
        TopologyException e = catchThrowableOfType(TopologyException.class, () -> TopologyLoader.load(file, dir));
        assertThat(e.problems()).containsExactly(file + ":6: 'ssh.key' must be a readable file, got 'lab/id_ed25519'"
                + " (resolves to " + dir.resolve("lab/id_ed25519") + ", which does not exist)");
        Files.createDirectories(dir.resolve("lab"));
        Files.writeString(dir.resolve("lab/id_ed25519"), "key\n");
        assertThat(TopologyLoader.load(file, dir).servers().named("db1").orElseThrow().ssh().key())
                .isEqualTo(dir.resolve("lab/id_ed25519"));
    }

    @Test
    void hostNamesAreARoleAndANumber() {
        assertThat(problems(HEAD + SIX + "  cache1: {address: 198.18.16.50}\n  web0: {address: 198.18.16.51}\n"))
                .containsExactly(
                        "hosts.yaml:14: 'hosts.cache1' is not a host name scaleup knows: write a role (lb, web, app, db,"
                                + " backup, mon) and a number from 1, as in lb1, web2, app3, db1, backup1, mon1",
                        "hosts.yaml:15: 'hosts.web0' is not a host name scaleup knows: write a role (lb, web, app, db,"
                                + " backup, mon) and a number from 1, as in lb1, web2, app3, db1, backup1, mon1");
    }

    @Test
    void aHostIsAMappingOfKnownKeys() {
        assertThat(problems(HEAD + SIX.replace("{address: 198.18.16.21}", "198.18.16.21")
                .replace("{address: 198.18.16.41}", "{adress: 198.18.16.41}"))).containsExactly(
                "hosts.yaml:10: 'hosts.web1' must be a mapping with keys address, ssh_user, ssh_port, ssh_key, sudo,"
                        + " got '198.18.16.21'",
                "hosts.yaml:11: unknown key 'hosts.app1.adress'; did you mean 'hosts.app1.address'? allowed under"
                        + " 'hosts.app1': address, ssh_user, ssh_port, ssh_key, sudo",
                "hosts.yaml:11: 'hosts.app1.address' is missing: every listed host needs its address in network.subnet"
                        + " 198.18.16.0/24");
    }

    @Test
    void addressesAreInTheSubnetUniqueAndNotTheVip() {
        assertThat(problems(HEAD + SIX.replace("198.18.16.21", "198.18.17.21").replace("198.18.16.41", "198.18.16.100")
                .replace("198.18.16.82", "198.18.16.81").replace("198.18.16.12", "lb2.example"))).containsExactly(
                "hosts.yaml:9: 'hosts.lb2.address' must be an IPv4 address like 198.18.0.21, got 'lb2.example'",
                "hosts.yaml:10: 'hosts.web1.address' must be inside network.subnet 198.18.16.0/24, got '198.18.17.21'",
                "hosts.yaml:11: 'hosts.app1.address' must not be the VIP 198.18.16.100 (keepalived moves it between the"
                        + " load balancers): give the host an address of its own",
                "hosts.yaml:13: 'hosts.db2.address' 198.18.16.81 is already db1's: every host needs an address of its own");
    }

    @Test
    void countsAreAtMostTheHostsListed() {
        assertThat(problems(HEAD + SIX + "web:\n  count: 3\ndb:\n  replicas: 2\n")).containsExactly(
                "hosts.yaml:15: 'web.count' is 3, which needs 3 web hosts, but 'hosts' lists 1 (web1): list web2, web3"
                        + " under 'hosts' or lower the count",
                "hosts.yaml:17: 'db.replicas' is 2, which needs 3 db hosts, but 'hosts' lists 2 (db1, db2): list db3"
                        + " under 'hosts' or lower the count");
    }

    @Test
    void aRefusedCountIsReportedOnce() {
        assertThat(problems(HEAD + SIX + "web:\n  count: 0\n")).containsExactly(
                "hosts.yaml:15: 'web.count' must be between 1 and 19, got 0");
    }

    @Test
    void tooFewHostsOfATier() {
        assertThat(problems(HEAD + SIX.replace("  lb2: {address: 198.18.16.12}\n", "")
                .replace("  app1: {address: 198.18.16.41}\n", ""))).containsExactly(
                "hosts.yaml:7: 'hosts' lists 1 lb hosts (lb1): scaleup needs at least 2 (lb1, lb2)",
                "hosts.yaml:7: 'hosts' lists 0 app hosts (none): scaleup needs at least 1 (app1)");
    }

    @Test
    void theHostsInUseAreNumberedWithoutGaps() {
        assertThat(problems(HEAD + SIX.replace("web1:", "web2:") + "  app3: {address: 198.18.16.43}\napp:\n  count: 1\n"))
                .containsExactly("hosts.yaml:7: 'hosts' has no web1: the web hosts in use are web1 (web.count 1),"
                        + " numbered from 1 without gaps; listed: web2");
    }

    @Test
    void backupsOnServersNeedBackup1Listed() {
        assertThat(problems(HEAD + SIX + "backup:\n  enabled: true\n")).containsExactly("hosts.yaml:15: 'backup.enabled'"
                + " is true, which needs a server for the backup repository, but 'hosts' lists no backup1: list backup1"
                + " under 'hosts' or set 'backup.enabled: false'");
        assertThat(problems(HEAD + SIX + "  backup1: {address: 198.18.16.91}\n  backup2: {address: 198.18.16.92}\n"
                + "backup:\n  enabled: true\n")).containsExactly("hosts.yaml:7: 'hosts' lists backup2: a deployment has"
                + " one backup host, backup1");
        Topology t = parse(HEAD + SIX + "  backup1: {address: 198.18.16.91}\nbackup:\n  enabled: true\n");
        assertThat(t.hosts(Role.BACKUP)).extracting(h -> h.name() + "=" + h.address())
                .containsExactly("backup1=198.18.16.91");
        // listed: on by default, as a tier's count defaults to the hosts listed; off only when the file says so
        assertThat(parse(HEAD + SIX + "  backup1: {address: 198.18.16.91}\n").hosts(Role.BACKUP)).hasSize(1);
        assertThat(parse(HEAD + SIX + "  backup1: {address: 198.18.16.91}\nbackup:\n  enabled: false\n")
                .hosts(Role.BACKUP)).isEmpty();
        assertThat(parse(HEAD + SIX).hosts(Role.BACKUP)).as("not listed: off").isEmpty();
    }

    @Test
    void monitoringOnServersNeedsMon1Listed() {
        assertThat(parse(HEAD + SIX).monitoring().enabled()).as("not listed: off").isFalse();
        assertThat(parse(HEAD + SIX).hosts(Role.MON)).isEmpty();
        assertThat(problems(HEAD + SIX + "monitoring:\n  enabled: true\n")).containsExactly("hosts.yaml:15:"
                + " 'monitoring.enabled' is true, which needs a server for Prometheus and Alertmanager, but 'hosts'"
                + " lists no mon1: list mon1 under 'hosts' or set 'monitoring.enabled: false'");
        assertThat(problems(HEAD + SIX + "  mon1: {address: 198.18.16.92}\n  mon2: {address: 198.18.16.93}\n"))
                .containsExactly("hosts.yaml:7: 'hosts' lists mon2: a deployment has one monitoring host, mon1");
        Topology t = parse(HEAD + SIX + "  mon1: {address: 198.18.16.92}\n");
        assertThat(t.monitoring().enabled()).as("listed: on by default").isTrue();
        assertThat(t.hosts(Role.MON)).extracting(h -> h.name() + "=" + h.address()).containsExactly("mon1=198.18.16.92");
        assertThat(parse(HEAD + SIX + "  mon1: {address: 198.18.16.92}\nmonitoring:\n  enabled: false\n")
                .hosts(Role.MON)).isEmpty();
        assertThat(problems(HEAD + SIX + "  mon1: {address: 198.18.16.92}\nmonitoring:\n  scrape_interval: 0\n"))
                .hasSize(1);
    }
}
