package dev.scaleup.ops;

import dev.scaleup.render.Exporters;
import dev.scaleup.render.HostPaths;
import dev.scaleup.runtime.ProcessSpec;
import dev.scaleup.topology.Host;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The exporters a host of each tier runs beside its server (with monitoring.enabled): their process specs and their
 * readiness. Every one runs as Debian's {@code prometheus} user and listens on the host's address.
 */
final class Monitors {

    private Monitors() {}

    /** The host's exporters, or none without monitoring. */
    static List<ProcessSpec> exporters(Deployment deployment, Host host) {
        if (!deployment.topology().monitoring().enabled()) {
            return List.of();
        }
        HostPaths paths = deployment.paths(host);
        List<ProcessSpec> specs = new ArrayList<>();
        switch (host.role()) {
            case LB, MON -> specs.add(ProcessSpec.of(Exporters.NODE_PROCESS, Exporters.nodeCommand(host, paths))
                    .asUser(Exporters.USER));
            case WEB -> specs.add(ProcessSpec.of(Exporters.NGINX_PROCESS, Exporters.nginxCommand(host))
                    .asUser(Exporters.USER));
            case DB -> specs.add(ProcessSpec.of(Exporters.POSTGRES_PROCESS, Exporters.postgresCommand(host))
                    .asUser(Exporters.USER).withEnv(Map.of("DATA_SOURCE_NAME",
                            Exporters.postgresDataSource(deployment.topology(), paths))));
            default -> { }
        }
        return List.copyOf(specs);
    }

    static boolean isExporter(ProcessSpec spec) {
        return List.of(Exporters.NODE_PROCESS, Exporters.NGINX_PROCESS, Exporters.POSTGRES_PROCESS)
                .contains(spec.name());
    }

    /** An exporter is ready once it listens on its port (seen inside the host's namespace). */
    static void awaitListening(Deployment deployment, Host host, ProcessSpec spec) {
        int port = switch (spec.name()) {
            case Exporters.NODE_PROCESS -> Exporters.NODE_PORT;
            case Exporters.NGINX_PROCESS -> Exporters.NGINX_PORT;
            case Exporters.POSTGRES_PROCESS -> Exporters.POSTGRES_PORT;
            default -> throw new IllegalArgumentException("not an exporter: " + spec.name());
        };
        HostService.awaitListening(deployment, host, spec, port);
    }
}
