package dev.scaleup.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.render.HostPaths;
import dev.scaleup.topology.Topology;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PitrRecoveryTest {

    /**
     * The restored postgresql.conf is the one Patroni wrote on the host the backup came from (seen on rsp: db2 ran
     * with db1's socket directory and archive_command): every host-specific setting is given on the command line.
     */
    @Test
    void theRecoveryServerRunsWithThisHostsSettingsNotTheBackedUpOnes() {
        Topology t = Topology.defaults("rsp", Path.of("/srv/site"));
        t = t.withBackup(t.backup().withEnabled(true));
        HostPaths db2 = new HostPaths(Path.of("/state/hosts/db2"));
        assertThat(String.join(" ", PitrRecovery.serverOptions(t, db2))).isEqualTo(
                "-c listen_addresses='' -c synchronous_standby_names='' -c port=5432"
                        + " -c unix_socket_directories='/state/hosts/db2/run'"
                        + " -c hba_file='/state/hosts/db2/data/pgdata/pg_hba.conf'"
                        + " -c ident_file='/state/hosts/db2/data/pgdata/pg_ident.conf'"
                        + " -c archive_command='pgbackrest --config=/state/hosts/db2/conf/pgbackrest.conf --stanza=rsp"
                        + " archive-push %p'");
    }
}
