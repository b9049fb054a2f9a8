package dev.scaleup.render;

import dev.scaleup.topology.Host;
import dev.scaleup.topology.Topology;
import java.util.ArrayList;
import java.util.List;

/** Every config file one host needs, picked by its role. Pure: the runtime writes them into {@link HostPaths#conf()}. */
public final class Renderers {

    private Renderers() {}

    public static List<RenderedFile> forHost(Topology t, Host host, HostPaths paths, Secrets secrets) {
        return forHost(t, host, paths, secrets, java.util.Set.of());
    }

    /** {@code drainedApps}: app hosts the web tier must not send requests to right now (restart, removal). */
    public static List<RenderedFile> forHost(Topology t, Host host, HostPaths paths, Secrets secrets,
                                             java.util.Set<String> drainedApps) {
        List<RenderedFile> files = new ArrayList<>();
        switch (host.role()) {
            case LB -> {
                files.add(HaproxyConfig.render(t, host, paths));
                files.add(KeepalivedConfig.render(t, host, paths));
                if (VipCheck.yields(t, host)) {
                    files.add(VipCheck.render(t, host, paths));
                }
                if (VrrpNotify.applies(t, host, paths)) {
                    files.add(VrrpNotify.render(t, host, paths));
                }
            }
            case WEB -> files.add(NginxConfig.render(t, host, paths, drainedApps));
            case APP -> files.add(AppProperties.render(t, host, paths, secrets));
            case DB -> {
                files.add(PatroniConfig.render(t, host, paths, secrets, Etcd.members(t)));
                files.add(BootstrapSql.render(t, host, paths, secrets));
                files.add(RoleChange.render(t, host, paths));
                files.add(LeaderWatch.render(t, host));
                if (t.backup().enabled()) {
                    files.add(PgBackRestConfig.render(t, host, paths, secrets));
                }
                if (PgBouncerConfig.applies(t, host)) {
                    files.addAll(PgBouncerConfig.render(t, host, paths));
                }
            }
            case BACKUP -> {
                files.add(PgBackRestConfig.render(t, host, paths, secrets));
                files.addAll(BackupSchedule.render(t, host, paths));
            }
            case MON -> files.addAll(PrometheusConfig.render(t, host, paths));
        }
        files.add(FirewallConfig.render(t, host, paths));
        return List.copyOf(files);
    }
}
