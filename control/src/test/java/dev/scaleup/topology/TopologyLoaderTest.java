package dev.scaleup.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopologyLoaderTest {

    /** Surefire runs in the module directory; the repository root is its parent. */
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Path BASE = Path.of("/srv/scaleup").toAbsolutePath();
    private static final Path SOURCE = Path.of("scaleup.yaml");

    private static Topology parse(String yaml) {
        return TopologyLoader.parse(yaml, BASE, SOURCE);
    }

    /** The problems parsing {@code yaml} reports; fails when it parses. */
    private static List<String> problems(String yaml) {
        TopologyException e = catchThrowableOfType(TopologyException.class, () -> parse(yaml));
        assertThat(e).as("expected a TopologyException").isNotNull();
        assertThat(e.getMessage()).isEqualTo(String.join("\n", e.problems()));
        return e.problems();
    }

    private static String problem(String yaml) {
        List<String> problems = problems(yaml);
        assertThat(problems).hasSize(1);
        return problems.get(0);
    }

    @Nested
    class Defaults {

        @Test
        void builtInDefaults() {
            Topology t = TopologyLoader.defaults(REPO);
            assertThat(t.name()).isEqualTo("scaleup");
            assertThat(t.network().subnet()).hasToString("198.18.0.0/24");
            assertThat(t.network().vip()).hasToString("198.18.0.100");
            assertThat(List.of(t.lb().count(), t.lb().port(), t.web().count(), t.web().port())).containsExactly(2, 80, 2, 80);
            assertThat(List.of(t.app().count(), t.app().port(), t.app().heapMb())).containsExactly(3, 8080, 128);
            assertThat(List.of(t.db().replicas(), t.db().port())).containsExactly(2, 5432);
            assertThat(t.db().name()).isEqualTo("app");
            assertThat(t.db().user()).isEqualTo("app");
            assertThat(t.site()).isEqualTo(REPO.resolve("site"));
            assertThat(t.site().isAbsolute()).isTrue();
            assertThat(t.source()).isNull();
        }

        @Test
        void siteIsNormalized() {
            assertThat(TopologyLoader.defaults(Path.of("/a/b/../c")).site()).isEqualTo(Path.of("/a/c/site"));
        }

        @Test
        void emptyOrCommentOnlyFilesMeanAllDefaults() {
            for (String yaml : List.of("", "\n", "# nothing set\n", "---\n", "~\n")) {
                Topology t = parse(yaml);
                assertThat(t).usingRecursiveComparison().ignoringFields("source").isEqualTo(TopologyLoader.defaults(BASE));
                assertThat(t.source()).isEqualTo(SOURCE.toAbsolutePath());
            }
        }

        @Test
        void missingKeysTakeTheirDefaults() {
            Topology t = parse("""
                    web:
                      count: 5
                    app:
                    db:
                      port: 6543
                    """);
            assertThat(t.web().count()).isEqualTo(5);
            assertThat(t.db().port()).isEqualTo(6543);
            assertThat(t).usingRecursiveComparison().ignoringFields("web.count", "db.port", "source")
                    .isEqualTo(TopologyLoader.defaults(BASE));
        }

        @Test
        void theVipDefaultsToTheSubnetsDot100() {
            assertThat(parse("network:\n  subnet: 198.18.7.0/24\n").network().vip()).hasToString("198.18.7.100");
        }
    }

    @Nested
    class Examples {

        private Topology example(String name) throws IOException {
            Path file = REPO.resolve("examples").resolve(name);
            // the site may not exist in a fresh checkout: its check is tested on its own
            return TopologyLoader.parse(Files.readString(file), file.getParent(), REPO, file, false);
        }

        @Test
        void theAnnotatedExampleIsTheDefaults() throws IOException {
            Topology t = example("scaleup.yaml");
            assertThat(t).usingRecursiveComparison().ignoringFields("source").isEqualTo(TopologyLoader.defaults(REPO));
            assertThat(t.source()).isEqualTo(REPO.resolve("examples/scaleup.yaml"));
        }

        @Test
        void theAnnotatedExamplesSetEveryKey() throws IOException {
            // the hosts target's keys are documented in hosts.yaml, every other key in scaleup.yaml
            String netns = Files.readString(REPO.resolve("examples/scaleup.yaml"));
            String hosts = Files.readString(REPO.resolve("examples/hosts.yaml"));
            for (TopologyKey key : TopologyKey.values()) {
                boolean hostsOnly = key == TopologyKey.NETWORK_INTERFACE || key.section() == TopologyKey.Section.SSH
                        || key.section() == TopologyKey.Section.HOST;
                assertThat(hostsOnly ? hosts : netns).as(key.path()).containsPattern("(?m)^\\s*" + key.key() + ":");
            }
            assertThat(hosts).containsPattern("(?m)^hosts:").containsPattern("(?m)^ssh:").contains("target: hosts");
        }

        @Test
        void theHostsExample() throws IOException {
            Topology t = example("hosts.yaml");
            assertThat(t.target()).isEqualTo("hosts");
            assertThat(t.hostInterface()).isEqualTo("host0");
            assertThat(t.hosts()).extracting(h -> h.name() + "=" + h.address()).containsExactly(
                    "db1=198.18.16.81", "db2=198.18.16.82", "db3=198.18.16.83", "backup1=198.18.16.91",
                    "mon1=198.18.16.92", "app1=198.18.16.41", "app2=198.18.16.42", "app3=198.18.16.43", "web1=198.18.16.21", "web2=198.18.16.22", "lb1=198.18.16.11", "lb2=198.18.16.12");
            Path examples = REPO.resolve("examples");
            assertThat(t.servers().named("web1").orElseThrow().ssh())
                    .isEqualTo(new Ssh("root", 22, examples.resolve("lab/id_ed25519"), false,
                            examples.resolve("lab/known_hosts")));
            assertThat(t.servers().named("db3").orElseThrow().ssh())
                    .isEqualTo(new Ssh("admin", 2222, examples.resolve("lab/db3_ed25519"), true,
                            examples.resolve("lab/known_hosts")));
        }

        @Test
        void theSmallExample() throws IOException {
            Topology t = example("small.yaml");
            assertThat(t.name()).isEqualTo("small");
            assertThat(t.network().subnet()).hasToString("198.18.1.0/24");
            assertThat(t.network().vip()).hasToString("198.18.1.100");
            assertThat(List.of(t.lb().count(), t.web().count(), t.app().count(), t.db().replicas())).containsExactly(2, 1, 1, 0);
            assertThat(t.hosts()).extracting(h -> h.name() + "=" + h.address())
                    .containsExactly("db1=198.18.1.81", "app1=198.18.1.41", "web1=198.18.1.21", "lb1=198.18.1.11", "lb2=198.18.1.12");
            assertThat(t.site()).isEqualTo(REPO.resolve("site"));
        }
    }

    @Nested
    class MalformedYaml {

        @Test
        void tab() {
            assertThat(problem("name: x\nweb:\n\tcount: 2\n"))
                    .isEqualTo("scaleup.yaml:3: malformed YAML: tab character; indent with spaces, YAML does not allow tabs");
        }

        @Test
        void unclosedQuotePointsAtTheQuote() {
            assertThat(problem("name: x\nweb:\n  count: \"2\n  port: 80\n")).isEqualTo(
                    "scaleup.yaml:3: malformed YAML: found unexpected end of stream (while scanning a quoted scalar); is a closing quote missing?");
        }

        @Test
        void badIndentation() {
            assertThat(problem("name: x\nweb:\n  count: 2\n port: 80\n")).isEqualTo(
                    "scaleup.yaml:4: malformed YAML: expected <block end>, but found '<block mapping start>'"
                            + " (while parsing a block mapping from line 1); check the indentation");
            assertThat(problem("web:\n  count: 1\n    port: 3\n")).isEqualTo(
                    "scaleup.yaml:3: malformed YAML: mapping values are not allowed here;"
                            + " check the indentation, or quote a value that contains ': '");
        }

        @Test
        void unclosedFlowList() {
            assertThat(problem("name: x\nweb: [1, 2\n")).isEqualTo(
                    "scaleup.yaml:2: malformed YAML: expected ',' or ']', but got <stream end> (while parsing a flow sequence)");
        }

        @Test
        void secondDocument() {
            assertThat(problem("name: x\n---\nname: y\n")).isEqualTo(
                    "scaleup.yaml:3: a second YAML document starts here; the file must hold exactly one (remove the '---' before it)");
        }

        @Test
        void topLevelMustBeAMapping() {
            assertThat(problem("- web\n- app\n")).isEqualTo(
                    "scaleup.yaml:1: the top level must be a mapping with keys name, target, network, ssh, hosts, lb, web, app, db, backup, monitoring, site, got a list");
            assertThat(problem("scaleup\n")).isEqualTo(
                    "scaleup.yaml:1: the top level must be a mapping with keys name, target, network, ssh, hosts, lb, web, app, db, backup, monitoring, site, got 'scaleup'");
        }

        @Test
        void messagesNameNoFileAsYaml() {
            TopologyException e = catchThrowableOfType(TopologyException.class,
                    () -> TopologyLoader.parse("name: X\n", BASE, BASE, null, false));
            assertThat(e.problems()).singleElement().asString().startsWith("<yaml>:1: 'name' must be");
        }
    }

    @Nested
    class UnknownKeys {

        @Test
        void misspelledKeyGetsASuggestion() {
            assertThat(problem("web:\n  count: 2\n  port: 80\n  cuont: 3\n")).isEqualTo(
                    "scaleup.yaml:4: unknown key 'web.cuont'; did you mean 'web.count'? allowed under 'web': count, port");
        }

        @Test
        void misspelledTopLevelKey() {
            assertThat(problem("nmae: x\n")).isEqualTo(
                    "scaleup.yaml:1: unknown key 'nmae'; did you mean 'name'? allowed at the top level: name, target, network, ssh, hosts, lb, web, app, db, backup, monitoring, site");
            assertThat(problem("netwrok:\n  subnet: 198.18.0.0/24\n")).isEqualTo(
                    "scaleup.yaml:1: unknown key 'netwrok'; did you mean 'network'? allowed at the top level: name, target, network, ssh, hosts, lb, web, app, db, backup, monitoring, site");
        }

        @Test
        void noSuggestionWhenNothingIsNear() {
            assertThat(problem("web:\n  replicas: 2\n")).isEqualTo(
                    "scaleup.yaml:2: unknown key 'web.replicas'; did you mean 'db.replicas'? allowed under 'web': count, port");
            assertThat(problem("web:\n  colour: blue\n")).isEqualTo(
                    "scaleup.yaml:2: unknown key 'web.colour'; allowed under 'web': count, port");
            assertThat(problem("alerting: true\n")).isEqualTo(
                    "scaleup.yaml:1: unknown key 'alerting'; allowed at the top level: name, target, network, ssh, hosts, lb, web, app, db, backup, monitoring, site");
            assertThat(problem("monitoring: true\n")).isEqualTo(
                    "scaleup.yaml:1: 'monitoring' must be a mapping with keys enabled, scrape_interval, got true (a boolean)");
        }

        @Test
        void keyOfAnotherSection() {
            assertThat(problem("subnet: 198.18.0.0/24\n")).isEqualTo(
                    "scaleup.yaml:1: unknown key 'subnet'; did you mean 'network.subnet'? allowed at the top level: name, target, network, ssh, hosts, lb, web, app, db, backup, monitoring, site");
            assertThat(problem("web:\n  heap_mb: 256\n")).isEqualTo(
                    "scaleup.yaml:2: unknown key 'web.heap_mb'; did you mean 'app.heap_mb'? allowed under 'web': count, port");
            assertThat(problem("port: 80\n")).isEqualTo(
                    "scaleup.yaml:1: unknown key 'port'; did you mean 'ssh.port', 'lb.port', 'web.port', 'app.port' or 'db.port'?"
                            + " allowed at the top level: name, target, network, ssh, hosts, lb, web, app, db, backup, monitoring, site");
        }

        @Test
        void synonyms() {
            assertThat(problem("db:\n  count: 2\n")).isEqualTo(
                    "scaleup.yaml:2: unknown key 'db.count'; did you mean 'db.replicas'? allowed under 'db': replicas, port, name, user, pooler");
            assertThat(problem("app:\n  xmx: 512\n")).isEqualTo(
                    "scaleup.yaml:2: unknown key 'app.xmx'; did you mean 'app.heap_mb'? allowed under 'app': count, port, heap_mb");
        }

        @Test
        void thePoolerTakesABooleanAndItsPortIsNotPostgreSqls() {
            assertThat(problem("db:\n  pooler: yes please\n")).isEqualTo(
                    "scaleup.yaml:2: 'db.pooler' must be true or false, got 'yes please'");
            assertThat(problem("db:\n  port: 6432\n  pooler: true\n")).isEqualTo(
                    "scaleup.yaml:2: 'db.port' must not be 6432 while 'db.pooler' is true (the default): PgBouncer listens on it");
            assertThat(problem("db:\n  port: 6432\n")).as("the pooler is on by default").isEqualTo(
                    "scaleup.yaml:2: 'db.port' must not be 6432 while 'db.pooler' is true (the default): PgBouncer listens on it");
            assertThat(parse("db:\n  port: 6432\n  pooler: false\n").db().port()).isEqualTo(6432);
        }

        @Test
        void dottedKey() {
            assertThat(problem("web.count: 3\n")).isEqualTo(
                    "scaleup.yaml:1: unknown key 'web.count'; write 'count' indented under 'web:' instead of a dotted key;"
                            + " allowed at the top level: name, target, network, ssh, hosts, lb, web, app, db, backup, monitoring, site");
        }

        @Test
        void duplicateKey() {
            assertThat(problem("web:\n  count: 2\n  port: 80\n  count: 3\n")).isEqualTo(
                    "scaleup.yaml:4: duplicate key 'web.count' (first on line 2); each key may appear once");
        }
    }

    @Nested
    class WrongTypes {

        @Test
        void stringForAnInteger() {
            assertThat(problem("app:\n  count: three\n")).isEqualTo("scaleup.yaml:2: 'app.count' must be an integer, got 'three'");
        }

        @Test
        void quotedInteger() {
            assertThat(problem("app:\n  port: \"8080\"\n")).isEqualTo(
                    "scaleup.yaml:2: 'app.port' must be an integer, got '8080' (a string because of the quotes; remove them)");
        }

        @Test
        void floatBooleanNullListMapForAnInteger() {
            assertThat(problems("""
                    web:
                      count: 2.5
                      port: true
                    app:
                      count:
                      port: ~
                      heap_mb: [128]
                    db:
                      replicas: {n: 1}
                    """)).containsExactly(
                    "scaleup.yaml:2: 'web.count' must be an integer, got 2.5",
                    "scaleup.yaml:3: 'web.port' must be an integer, got true (a boolean)",
                    "scaleup.yaml:5: 'app.count' must be an integer, got nothing (the value is empty)",
                    "scaleup.yaml:6: 'app.port' must be an integer, got ~ (null)",
                    "scaleup.yaml:7: 'app.heap_mb' must be an integer, got a list",
                    "scaleup.yaml:9: 'db.replicas' must be an integer, got a mapping");
        }

        @Test
        void nonStringsForStrings() {
            assertThat(problems("""
                    name: no
                    db:
                      name: 42
                      user: [app]
                    site:
                    """)).containsExactly(
                    "scaleup.yaml:1: 'name' must be a string, got no (YAML reads it as a boolean; quote it: 'no')",
                    "scaleup.yaml:3: 'db.name' must be a string, got 42 (a number; quote it: '42')",
                    "scaleup.yaml:4: 'db.user' must be a string, got a list",
                    "scaleup.yaml:5: 'site' must be a string, got nothing (the value is empty)");
        }

        @Test
        void sectionMustBeAMapping() {
            assertThat(problems("network: 198.18.0.0/24\nweb: [web1, web2]\n")).containsExactly(
                    "scaleup.yaml:1: 'network' must be a mapping with keys subnet, vip, interface, got '198.18.0.0/24'",
                    "scaleup.yaml:2: 'web' must be a mapping with keys count, port, got a list");
        }

        @Test
        void aliases() {
            assertThat(problem("name: &n small\ndb:\n  name: *n\n")).isEqualTo(
                    "scaleup.yaml:3: 'db.name' must be a string, got the alias *n (aliases are not supported)");
        }
    }

    @Nested
    class Ranges {

        @Test
        void counts() {
            assertThat(problems("""
                    lb:
                      count: 3
                    web:
                      count: 0
                    app:
                      count: 40
                    db:
                      replicas: -1
                    """)).containsExactly(
                    "scaleup.yaml:2: 'lb.count' must be 2, got 3",
                    "scaleup.yaml:4: 'web.count' must be between 1 and 19, got 0",
                    "scaleup.yaml:6: 'app.count' must be between 1 and 39, got 40",
                    "scaleup.yaml:8: 'db.replicas' must be between 0 and 8, got -1");
        }

        @Test
        void upperBoundsAreAllowed() {
            Topology t = parse("web:\n  count: 19\napp:\n  count: 39\n  heap_mb: 4096\ndb:\n  replicas: 8\n  port: 65535\n");
            assertThat(List.of(t.web().count(), t.app().count(), t.app().heapMb(), t.db().replicas(), t.db().port()))
                    .containsExactly(19, 39, 4096, 8, 65535);
        }

        @Test
        void portsAndHeap() {
            assertThat(problems("""
                    lb:
                      port: 0
                    web:
                      port: 65536
                    app:
                      port: 99999999999999999999
                      heap_mb: 31
                    db:
                      port: -5432
                    """)).containsExactly(
                    "scaleup.yaml:2: 'lb.port' must be between 1 and 65535, got 0",
                    "scaleup.yaml:4: 'web.port' must be between 1 and 65535, got 65536",
                    "scaleup.yaml:6: 'app.port' must be between 1 and 65535, got 99999999999999999999",
                    "scaleup.yaml:7: 'app.heap_mb' must be between 32 and 4096, got 31",
                    "scaleup.yaml:9: 'db.port' must be between 1 and 65535, got -5432");
        }

        @Test
        void theSamePortOnDifferentTiersIsFine() {
            Topology t = parse("lb:\n  port: 8080\nweb:\n  port: 8080\napp:\n  port: 8080\ndb:\n  port: 8080\n");
            assertThat(List.of(t.lb().port(), t.web().port(), t.app().port(), t.db().port())).containsOnly(8080);
        }
    }

    @Nested
    class Names {

        @Test
        void deploymentName() {
            String rule = "must be a lowercase letter then at most 7 lowercase letters or digits"
                    + " ([a-z][a-z0-9]{0,7}; interface names are made from it and Linux allows 15 characters)";
            assertThat(problem("name: Scale-Up\n")).isEqualTo("scaleup.yaml:1: 'name' " + rule + ", got 'Scale-Up'");
            assertThat(problem("name: scaleup12\n")).isEqualTo("scaleup.yaml:1: 'name' " + rule + ", got 'scaleup12'");
            assertThat(problem("name: '1up'\n")).isEqualTo("scaleup.yaml:1: 'name' " + rule + ", got '1up'");
            assertThat(problem("name: ''\n")).isEqualTo("scaleup.yaml:1: 'name' " + rule + ", got ''");
            assertThat(parse("name: s2345678\n").name()).isEqualTo("s2345678");
        }

        @Test
        void databaseIdentifiers() {
            String rule = "must be a PostgreSQL identifier: a lowercase letter or '_' then at most 62 lowercase letters,"
                    + " digits or '_' ([a-z_][a-z0-9_]{0,62})";
            assertThat(problems("db:\n  name: My-App\n  user: 'drop table'\n")).containsExactly(
                    "scaleup.yaml:2: 'db.name' " + rule + ", got 'My-App'",
                    "scaleup.yaml:3: 'db.user' " + rule + ", got 'drop table'");
            Topology t = parse("db:\n  name: _shop_2\n  user: shop\n");
            assertThat(t.db().name()).isEqualTo("_shop_2");
            assertThat(t.db().user()).isEqualTo("shop");
        }

        @Test
        void reservedDatabaseUsers() {
            for (String user : List.of("postgres", "replicator")) {
                assertThat(problem("db:\n  user: " + user + "\n")).isEqualTo(
                        "scaleup.yaml:2: 'db.user' must not be 'postgres' or 'replicator' (scaleup uses them for the superuser"
                                + " and for replication), got '" + user + "'");
            }
        }
    }

    @Nested
    class Network {

        @Test
        void subnetOutsideTheBenchmarkRange() {
            assertThat(problem("network:\n  subnet: 10.0.0.0/24\n")).isEqualTo(
                    "scaleup.yaml:2: 'network.subnet' must be inside 198.18.0.0/15, the range reserved for benchmarks (RFC 2544), got '10.0.0.0/24'");
            assertThat(problem("network:\n  subnet: 198.20.0.0/24\n")).contains("must be inside 198.18.0.0/15");
        }

        @Test
        void subnetPrefix() {
            String rule = "must have a prefix between /16 and /24 (inside 198.18.0.0/15, and the address plan needs a /24)";
            assertThat(problem("network:\n  subnet: 198.18.0.0/25\n")).isEqualTo("scaleup.yaml:2: 'network.subnet' " + rule + ", got '198.18.0.0/25'");
            assertThat(problem("network:\n  subnet: 198.18.0.0/15\n")).isEqualTo("scaleup.yaml:2: 'network.subnet' " + rule + ", got '198.18.0.0/15'");
        }

        @Test
        void subnetWithHostBits() {
            assertThat(problem("network:\n  subnet: 198.18.0.5/24\n")).isEqualTo(
                    "scaleup.yaml:2: 'network.subnet' must be a network address with no host bits set, got '198.18.0.5/24'; did you mean 198.18.0.0/24?");
        }

        @Test
        void notACidr() {
            for (String bad : List.of("198.18.0.0", "198.18.0/24", "198.18.0.0/33", "198.18.0.0/", "/24", "subnet")) {
                assertThat(problem("network:\n  subnet: '" + bad + "'\n")).isEqualTo(
                        "scaleup.yaml:2: 'network.subnet' must be a CIDR subnet like 198.18.0.0/24, got '" + bad + "'");
            }
        }

        @Test
        void largerSubnetsWork() {
            Topology t = parse("network:\n  subnet: 198.19.0.0/16\n  vip: 198.19.1.1\n");
            assertThat(t.network().subnet()).hasToString("198.19.0.0/16");
            assertThat(t.network().vip()).hasToString("198.19.1.1");
            assertThat(t.host("web1").orElseThrow().address()).hasToString("198.19.0.21");
        }

        @Test
        void vipNotAnAddress() {
            assertThat(problem("network:\n  vip: 198.18.0.300\n")).isEqualTo(
                    "scaleup.yaml:2: 'network.vip' must be an IPv4 address like 198.18.0.100, got '198.18.0.300'");
        }

        @Test
        void vipOutsideTheSubnet() {
            assertThat(problem("network:\n  subnet: 198.18.1.0/24\n  vip: 198.18.0.100\n")).isEqualTo(
                    "scaleup.yaml:3: 'network.vip' must be inside network.subnet 198.18.1.0/24, got '198.18.0.100';"
                            + " free addresses there: .2-.10, .20, .40, .80, .90, .93-.254");
        }

        @Test
        void vipOnAReservedAddress() {
            String free = "; free: .2-.10, .20, .40, .80, .90, .93-.254";
            String prefix = "scaleup.yaml:2: 'network.vip' must be a free address of 198.18.0.0/24, got ";
            assertThat(problem("network:\n  vip: 198.18.0.0\n")).isEqualTo(prefix + "'198.18.0.0' (the network address)" + free);
            assertThat(problem("network:\n  vip: 198.18.0.255\n")).isEqualTo(prefix + "'198.18.0.255' (the broadcast address)" + free);
            assertThat(problem("network:\n  vip: 198.18.0.1\n")).isEqualTo(
                    prefix + "'198.18.0.1' (the gateway, the bridge's address in the root namespace)" + free);
            assertThat(problem("network:\n  vip: 198.18.0.11\n")).isEqualTo(
                    prefix + "'198.18.0.11' (the address plan gives .11-.19 to lb hosts)" + free);
            // beyond the configured web count, still inside the web block
            assertThat(problem("network:\n  vip: 198.18.0.39\n")).isEqualTo(
                    prefix + "'198.18.0.39' (the address plan gives .21-.39 to web hosts)" + free);
            assertThat(problem("network:\n  vip: 198.18.0.41\n")).isEqualTo(
                    prefix + "'198.18.0.41' (the address plan gives .41-.79 to app hosts)" + free);
            assertThat(problem("network:\n  vip: 198.18.0.85\n")).isEqualTo(
                    prefix + "'198.18.0.85' (the address plan gives .81-.89 to db hosts)" + free);
        }

        @Test
        void vipOnAFreeAddress() {
            for (String vip : List.of("198.18.0.2", "198.18.0.10", "198.18.0.20", "198.18.0.90", "198.18.0.254")) {
                assertThat(parse("network:\n  vip: " + vip + "\n").network().vip()).hasToString(vip);
            }
        }

        @Test
        void aBadSubnetDoesNotAlsoFailTheVip() {
            assertThat(problems("network:\n  subnet: 10.1.0.0/24\n  vip: 10.1.0.100\n")).hasSize(1);
        }
    }

    @Nested
    class Site {

        @TempDir
        Path dir;

        private Topology parseIn(Path baseDir, Path repoRoot, String yaml) {
            return TopologyLoader.parse(yaml, baseDir, repoRoot, SOURCE, true);
        }

        @Test
        void relativeToTheFilesDirectory() throws IOException {
            Files.createDirectories(dir.resolve("www"));
            Files.createDirectories(dir.resolve("conf"));
            Topology t = parseIn(dir.resolve("conf"), dir, "site: ../www\n");
            assertThat(t.site()).isEqualTo(dir.resolve("www").toAbsolutePath().normalize());
        }

        @Test
        void absolute() throws IOException {
            Path www = Files.createDirectories(dir.resolve("www"));
            assertThat(parseIn(BASE, BASE, "site: " + www + "\n").site()).isEqualTo(www);
        }

        @Test
        void missingDirectory() {
            assertThat(catchThrowableOfType(TopologyException.class, () -> parseIn(dir, dir, "site: nowhere\n")).problems())
                    .containsExactly("scaleup.yaml:1: 'site' must be an existing directory, got 'nowhere' (resolves to "
                            + dir.resolve("nowhere") + ", which does not exist)");
        }

        @Test
        void aFileIsNoDirectory() throws IOException {
            Files.writeString(dir.resolve("index.html"), "<p>hi</p>");
            assertThat(catchThrowableOfType(TopologyException.class, () -> parseIn(dir, dir, "site: index.html\n")).problems())
                    .containsExactly("scaleup.yaml:1: 'site' must be an existing directory, got 'index.html' (resolves to "
                            + dir.resolve("index.html") + ", which is not a directory)");
        }

        @Test
        void emptyPath() {
            assertThat(problem("site: ''\n")).isEqualTo(
                    "scaleup.yaml:1: 'site' must be a directory path, relative to this file or absolute, got ''");
        }

        @Test
        void defaultSiteIsInTheRepositoryRoot() throws IOException {
            Path repo = Files.createDirectories(dir.resolve("repo"));
            assertThat(catchThrowableOfType(TopologyException.class, () -> parseIn(dir, repo, "name: x\n")).problems())
                    .containsExactly("scaleup.yaml: 'site' is not set and its default " + repo.resolve("site")
                            + " does not exist; set 'site' to the static site's directory, relative to this file");
            Files.createDirectories(repo.resolve("site"));
            assertThat(parseIn(dir, repo, "name: x\n").site()).isEqualTo(repo.resolve("site"));
        }

        @Test
        void notCheckedWhenTheCallerSaysSo() {
            assertThat(TopologyLoader.parse("site: nowhere\n", dir, dir, SOURCE, false).site()).isEqualTo(dir.resolve("nowhere"));
        }
    }

    @Nested
    class Load {

        @TempDir
        Path dir;

        @Test
        void readsAFile() throws IOException {
            Files.createDirectories(dir.resolve("site"));
            Path file = Files.writeString(dir.resolve("scaleup.yaml"), "name: small\nsite: site\n");
            Topology t = TopologyLoader.load(file, REPO);
            assertThat(t.name()).isEqualTo("small");
            assertThat(t.site()).isEqualTo(dir.resolve("site"));
            assertThat(t.source()).isEqualTo(file.toAbsolutePath().normalize());
        }

        @Test
        void toleratesAByteOrderMark() throws IOException {
            Files.createDirectories(dir.resolve("site"));
            Path file = Files.writeString(dir.resolve("scaleup.yaml"), "\uFEFFname: bom\nsite: site\n");
            assertThat(TopologyLoader.load(file, REPO).name()).isEqualTo("bom");
        }

        @Test
        void missingFile() {
            Path file = dir.resolve("nope.yaml");
            assertThatThrownBy(() -> TopologyLoader.load(file, REPO)).isInstanceOf(TopologyException.class)
                    .hasMessage(file + ": cannot read the topology file: " + file + " does not exist");
        }

        @Test
        void notUtf8() throws IOException {
            Path file = Files.write(dir.resolve("scaleup.yaml"), "name: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
            assertThatThrownBy(() -> TopologyLoader.load(file, REPO))
                    .hasMessage(file + ": cannot read the topology file: it is not UTF-8 text");
        }

        @Test
        void reportsEveryProblemOfAFileAtOnce() throws IOException {
            Path file = dir.resolve("many-problems.yaml");
            Files.copy(Path.of("src/test/resources/topology/many-problems.yaml"), file);
            Path repo = Files.createDirectories(dir.resolve("repo")); // without a site
            TopologyException e = catchThrowableOfType(TopologyException.class, () -> TopologyLoader.load(file, repo));
            String f = file.toString();
            assertThat(e.problems()).containsExactly(
                    f + ":2: 'name' must be a lowercase letter then at most 7 lowercase letters or digits"
                            + " ([a-z][a-z0-9]{0,7}; interface names are made from it and Linux allows 15 characters), got 'Scale-Up'",
                    f + ":4: 'network.subnet' must be inside 198.18.0.0/15, the range reserved for benchmarks (RFC 2544), got '10.0.0.0/24'",
                    f + ":7: 'lb.count' must be 2, got 3",
                    f + ":9: unknown key 'web.cuont'; did you mean 'web.count'? allowed under 'web': count, port",
                    f + ":10: 'web.port' must be between 1 and 65535, got 70000",
                    f + ":12: 'app.count' must be an integer, got 'three'",
                    f + ":13: 'app.heap_mb' must be between 32 and 4096, got 16",
                    f + ":15: 'db.replicas' must be between 0 and 8, got 9",
                    f + ":16: 'db.user' must not be 'postgres' or 'replicator' (scaleup uses them for the superuser"
                            + " and for replication), got 'postgres'",
                    f + ":17: unknown key 'sitee'; did you mean 'site'? allowed at the top level: name, target, network, ssh, hosts, lb, web, app, db, backup, monitoring, site",
                    f + ": 'site' is not set and its default " + repo.resolve("site")
                            + " does not exist; set 'site' to the static site's directory, relative to this file");
            assertThat(e.getMessage()).isEqualTo(String.join("\n", e.problems()));
        }
    }

    @Nested
    class BackupSection {

        @Test
        void onByDefaultWithItsDefaults() {
            Topology t = parse("name: a\n");
            assertThat(t.backup()).isEqualTo(new Backup(true, 2, 60, 10080, 1440));
            assertThat(t.hosts(Role.BACKUP)).extracting(h -> h.name()).containsExactly("backup1");
            assertThat(parse("backup:\n  enabled: false\n").hosts(Role.BACKUP)).isEmpty();
        }

        @Test
        void monitoringIsOnByDefaultOnItsOwnHost() {
            Topology t = parse("");
            assertThat(t.monitoring()).isEqualTo(new Monitoring(true, 2));
            assertThat(t.hosts(Role.MON)).extracting(h -> h.name() + "=" + h.address()).containsExactly("mon1=198.18.0.92");
            assertThat(parse("monitoring:\n  enabled: false\n").hosts(Role.MON)).isEmpty();
            assertThat(parse("monitoring:\n  scrape_interval: 5\n").monitoring().scrapeIntervalSeconds()).isEqualTo(5);
            assertThat(problem("monitoring:\n  scrape_interval: 0\n")).isEqualTo(
                    "scaleup.yaml:2: 'monitoring.scrape_interval' must be between 1 and 60, got 0");
            assertThat(problem("monitoring:\n  enabeld: true\n")).isEqualTo("scaleup.yaml:2: unknown key"
                    + " 'monitoring.enabeld'; did you mean 'monitoring.enabled'? allowed under 'monitoring': enabled,"
                    + " scrape_interval");
        }

        @Test
        void enabledAddsBackup1AtNetworkPlus91() {
            Topology t = parse("network:\n  subnet: 198.19.60.0/24\nbackup:\n  enabled: true\n  retention_full: 4\n"
                    + "  archive_timeout: 30\n");
            assertThat(t.backup()).isEqualTo(new Backup(true, 4, 30));
            assertThat(t.hosts(Role.BACKUP)).extracting(h -> h.name() + " " + h.address()).containsExactly("backup1 198.19.60.91");
        }

        @Test
        void everyBadValueIsNamedWithItsLineAndWhatIsAllowed() {
            assertThat(problems("""
                    backup:
                      enabled: yes please
                      retention_full: 0
                      archive_timeout: 3601
                    """)).containsExactly(
                    "scaleup.yaml:2: 'backup.enabled' must be true or false, got 'yes please'",
                    "scaleup.yaml:3: 'backup.retention_full' must be between 1 and 100, got 0",
                    "scaleup.yaml:4: 'backup.archive_timeout' must be between 1 and 3600, got 3601");
        }

        @Test
        void unknownKeysGetASuggestion() {
            assertThat(problem("backup:\n  retention: 3\n")).isEqualTo("scaleup.yaml:2: unknown key 'backup.retention';"
                    + " did you mean 'backup.retention_full'? allowed under 'backup': enabled, retention_full, archive_timeout,"
                    + " full_every_minutes, incr_every_minutes");
        }
    }

    @Test
    void exceptionNeedsAProblem() {
        assertThatThrownBy(() -> new TopologyException(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThat(new TopologyException("a: b").problems()).containsExactly("a: b");
    }
}
