package dev.scaleup.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleup.topology.Topology;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The commands around pgbackrest.conf and pgBackRest's certificate; the files themselves are golden files. */
class PgBackRestConfigTest {

    private static final Topology T = Fixtures.backupTopology();
    private static final HostPaths DB1 = Fixtures.goldenPaths(Fixtures.host(T, "db1"));

    @Test
    void everyCommandNamesTheHostsConfigAndTheDeploymentsStanza() {
        assertThat(PgBackRestConfig.command(T, DB1)).containsExactly("pgbackrest",
                "--config=/state/hosts/db1/conf/pgbackrest.conf", "--stanza=scaleup");
        assertThat(PgBackRestConfig.archiveCommand(T, DB1))
                .isEqualTo("pgbackrest --config=/state/hosts/db1/conf/pgbackrest.conf --stanza=scaleup archive-push %p");
        // the server serves every stanza its tls-server-auth allows: it takes none on the command line
        assertThat(PgBackRestConfig.serverCommand(DB1)).containsExactly("/usr/bin/pgbackrest",
                "--config=/state/hosts/db1/conf/pgbackrest.conf", "server");
    }

    @Test
    void onlyDbAndBackupHostsHaveOne() {
        assertThatThrownBy(() -> PgBackRestConfig.render(T, Fixtures.host(T, "app1"), DB1, Fixtures.SECRETS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not app1");
    }

    @Test
    void theRepositoryIsNeverWrittenWithoutItsPassphrase() {
        Secrets none = new Secrets("r", "a", "s", "k");
        assertThatThrownBy(() -> PgBackRestConfig.render(T, Fixtures.host(T, "backup1"), DB1, none))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("passphrase");
    }

    @Test
    void oneCertificateForEveryDbHostAndTheBackupHostServingBothEnds() {
        assertThat(Tls.pgBackRestSubjectAltName(T))
                .isEqualTo("IP:198.18.0.81,DNS:198.18.0.81,IP:198.18.0.82,DNS:198.18.0.82,IP:198.18.0.83,DNS:198.18.0.83,"
                        + "IP:198.18.0.91,DNS:198.18.0.91");
        assertThat(Tls.pgBackRestExtensions(T)).contains("extendedKeyUsage=serverAuth,clientAuth\n");
        assertThat(Tls.newPgBackRestRequest(Path.of("/s/tls"), Path.of("/s/tls/p.csr")))
                .containsSequence("-keyout", "/s/tls/private/pgbackrest.key").contains("/O=scaleup/CN=pgbackrest");
        assertThat(Tls.signPgBackRest(Path.of("/s/tls"), Path.of("/s/tls/p.csr"), Path.of("/s/tls/p.ext")))
                .containsSequence("-out", "/s/tls/pgbackrest.crt");
    }
}
