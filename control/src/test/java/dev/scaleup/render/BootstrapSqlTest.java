package dev.scaleup.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.topology.Host;
import dev.scaleup.topology.Topology;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class BootstrapSqlTest {

    private static final Topology T = Fixtures.defaultTopology();
    private static final Host DB1 = Fixtures.host(T, "db1");

    private static String render(Secrets secrets) {
        return BootstrapSql.render(T, DB1, Fixtures.goldenPaths(DB1), secrets).content();
    }

    @Test
    void carriesScramVerifiersAndNoPassword() {
        for (Secrets secrets : new Secrets[] {Fixtures.SECRETS, PostgresBootstrapTest.NASTY}) {
            String sql = render(secrets);

            assertThat(sql).doesNotContain(secrets.replicationPassword()).doesNotContain(secrets.appDbPassword())
                    .contains("ALTER ROLE \"replicator\" WITH REPLICATION LOGIN PASSWORD '"
                            + BootstrapSql.verifier("replicator", secrets.replicationPassword()) + "';")
                    .contains("ALTER ROLE \"app\" WITH LOGIN PASSWORD '"
                            + BootstrapSql.verifier("app", secrets.appDbPassword()) + "';");
            assertThat(sql.lines().filter(line -> line.contains(" PASSWORD "))).hasSize(2)
                    .allMatch(line -> line.matches(".* PASSWORD 'SCRAM-SHA-256\\$4096:[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+:"
                            + "[A-Za-z0-9+/=]+';"));
        }
    }

    @Test
    void theSameSecretsRenderTheSameFile() {
        assertThat(render(Fixtures.SECRETS)).isEqualTo(render(Fixtures.SECRETS));
    }

    @Test
    void eachRoleAndPasswordHasItsOwnSalt() {
        assertThat(salt(BootstrapSql.verifier("app", "same-password")))
                .isNotEqualTo(salt(BootstrapSql.verifier("replicator", "same-password")))
                .isNotEqualTo(salt(BootstrapSql.verifier("app", "other-password")))
                .hasSize(16);
    }

    @Test
    void theVerifierIsScramVerifiersForTheDerivedSalt() {
        String verifier = BootstrapSql.verifier("app", "app-secret");

        assertThat(ScramVerifier.of("app-secret", salt(verifier), ScramVerifier.ITERATIONS)).isEqualTo(verifier);
    }

    private static byte[] salt(String verifier) {
        return Base64.getDecoder().decode(verifier.split("[$:]")[2]);
    }
}
