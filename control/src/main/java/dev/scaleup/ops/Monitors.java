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

    /** The host's exporters, or none without monitoring ({@link Exporters#processes}). */
    static List<ProcessSpec> exporters(Deployment deployment, Host host) {
        HostPaths paths = deployment.paths(host);
        List<ProcessSpec> specs = new ArrayList<>();
        for (String name : Exporters.processes(deployment.topology(), host)) {
            specs.add(switch (name) {
                case Exporters.NODE_PROCESS -> ProcessSpec.of(name, Exporters.nodeCommand(deployment.topology(), host,
                        paths)).asUser(Exporters.USER);
                case Exporters.NGINX_PROCESS -> ProcessSpec.of(name, Exporters.nginxCommand(host)).asUser(Exporters.USER);
                case Exporters.POSTGRES_PROCESS -> ProcessSpec.of(name, Exporters.postgresCommand(host))
                        .asUser(Exporters.USER).withEnv(Map.of("DATA_SOURCE_NAME",
                                Exporters.postgresDataSource(deployment.topology(), paths)));
                default -> throw new IllegalStateException("no exporter " + name);
            });
        }
        return List.copyOf(specs);
    }

    static boolean isExporter(ProcessSpec spec) {
        return List.of(Exporters.NODE_PROCESS, Exporters.NGINX_PROCESS, Exporters.POSTGRES_PROCESS)
                .contains(spec.name());
    }

    /** An exporter is ready once it listens on its port (seen inside the host's namespace). */
    static void awaitListening(Deployment deployment, Host host, ProcessSpec spec) {
        int port = Exporters.port(spec.name());
        HostService.awaitListening(deployment, host, spec, port);
    }
}
