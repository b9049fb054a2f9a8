package dev.scaleup.render;

import dev.scaleup.topology.Host;
import dev.scaleup.topology.Topology;
import java.nio.file.Path;

/** The default deployment the golden files are rendered from. */
final class Fixtures {

    static final Secrets SECRETS = new Secrets("repl-secret", "app-secret", "super-secret", "token-key-0123456789abcdef0123456789abcdef")
            .withBackupCipherPass("cipher-secret");

    private Fixtures() {}

    static Topology defaultTopology() {
        return Topology.defaults("scaleup", Path.of("/srv/site"));
    }

    /** The default deployment with the backup host (backup.enabled: true). */
    static Topology backupTopology() {
        Topology t = defaultTopology();
        return t.withBackup(t.backup().withEnabled(true));
    }

    /** The default topology without PgBouncer on the db hosts ({@code db.pooler: false}). */
    static Topology noPoolerTopology() {
        Topology t = defaultTopology();
        return t.withDb(new dev.scaleup.topology.Db(t.db().replicas(), t.db().port(), t.db().name(), t.db().user(),
                false));
    }

    static HostPaths goldenPaths(Host host) {
        return new HostPaths(Path.of("/state/hosts").resolve(host.name()));
    }

    static Host host(Topology t, String name) {
        return t.host(name).orElseThrow(() -> new AssertionError("no host " + name + " in " + t.name()));
    }
}
