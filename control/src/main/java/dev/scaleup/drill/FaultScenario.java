package dev.scaleup.drill;

import dev.scaleup.ops.OperatorException;
import dev.scaleup.ops.Status;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import java.util.List;
import java.util.Locale;

/** A failure of one host: killed processes or a cut link, mended by {@code scaleup up} unless said otherwise. */
abstract class FaultScenario extends DrillScenario {

    FaultScenario(String name, String fault, String restore, String limit) {
        super(name, fault, restore, limit);
    }

    @Override
    public final Group group() {
        return Group.FAULTS;
    }

    /** The host to break, chosen on the healthy stack. */
    abstract Host target(DrillStack stack, Status.Report status);

    abstract String inject(DrillStack stack, Host target);

    /** {@code scaleup up} starts whatever the fault killed. */
    String restore(DrillStack stack, Host target) {
        return stack.faults().up(stack.progress());
    }

    @Override
    final Injection prepare(DrillStack stack, Status.Report before) {
        Host target = target(stack, before);
        return new Injection() {
            @Override
            public String target() {
                return target.name();
            }

            @Override
            public String inject() {
                return FaultScenario.this.inject(stack, target);
            }

            @Override
            public String restore() {
                return FaultScenario.this.restore(stack, target);
            }
        };
    }

    @Override
    final String injected(long fromMicros, long toMicros, String done) {
        return String.format(Locale.ROOT, "%s: fault at %.1f s (injected in %d ms): %s", name(), fromMicros / 1e6,
                Math.round((toMicros - fromMicros) / 1e3), done);
    }

    static Host vipHolder(Status.Report status) {
        return status.vipHolder().orElseThrow(() -> new OperatorException("no single VIP holder"));
    }

    static Host first(DrillStack stack, Role role) {
        return stack.deployment().topology().hosts(role).get(0);
    }

    /**
     * The database server: every process of the postgres user on the host (Patroni, PostgreSQL). etcd, whose member
     * on the host stays up, runs as its own user: the fault is the database server's, not the leader key store's.
     */
    static String killDatabase(DrillStack stack, Host host) {
        return stack.faults().killUser(host, "postgres", List.of());
    }
}
