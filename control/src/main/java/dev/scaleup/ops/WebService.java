package dev.scaleup.ops;

import static java.util.Objects.requireNonNull;

import dev.scaleup.render.HostPaths;
import dev.scaleup.render.NginxConfig;
import dev.scaleup.render.SiteBuild;
import dev.scaleup.runtime.ProcessSpec;
import dev.scaleup.runtime.Readiness;
import dev.scaleup.topology.Host;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/** A web server: nginx serving its own copy of the built site (SiteBuild) and passing /api/ to the app tier. */
public final class WebService implements HostService {

    private final Deployment deployment;
    private final Tools tools;

    public WebService(Deployment deployment, Tools tools) {
        this.deployment = requireNonNull(deployment, "deployment is null");
        this.tools = requireNonNull(tools, "tools is null");
    }

    @Override
    public List<ProcessSpec> processes(Host host) {
        HostPaths paths = deployment.paths(host);
        List<ProcessSpec> specs = new java.util.ArrayList<>(List.of(ProcessSpec.of("nginx",
                List.of(tools.nginx().toString(),
                "-c", paths.conf(NginxConfig.FILE).toString(),
                "-p", paths.root() + "/",
                "-e", NginxConfig.startErrorLog(paths)))));
        specs.addAll(Monitors.exporters(deployment, host));
        return List.copyOf(specs);
    }

    @Override
    public String prepare(Host host) {
        HostPaths paths = deployment.paths(host);
        try {
            Files.createDirectories(paths.data());
            // nginx's master (root) reads the config; its workers (www-data) only the site and their temp files
            deployment.target().own(host, paths.root(), "root", NginxConfig.WORKER_USER, 0750);
            return syncTree(builtSite(), paths.site())
                    ? host.name() + ": copied the site built from " + deployment.topology().site() : null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + host.name(), e);
        }
    }

    private boolean siteBuilt;

    /**
     * The built site every web host copies, built once per command: the web hosts are prepared at once, and two
     * builds writing the same files at the same moment could hand a host a half-written one.
     */
    private synchronized Path builtSite() {
        if (!siteBuilt) {
            SiteBuild.build(deployment.topology().site(), deployment.state().site());
            siteBuilt = true;
        }
        return deployment.state().site();
    }

    @Override
    public void awaitReady(Host host, ProcessSpec spec) {
        if (Monitors.isExporter(spec)) {
            Monitors.awaitListening(deployment, host, spec);
            return;
        }
        Readiness.await(host.name() + " GET " + healthUrl(host) + " = 200", Duration.ofSeconds(20),
                () -> Readiness.httpOk(healthUrl(host)), () -> deployment.isRunning(host, spec));
    }

    @Override
    public HostHealth health(Host host) {
        int status = Readiness.httpStatus(healthUrl(host), Duration.ofSeconds(2));
        return HostHealth.of(status == 200, status == 200 ? "serving" : status < 0 ? "no answer" : "health " + status);
    }

    /** nginx re-reads its config on HUP: new workers take new connections, old ones finish theirs. */
    @Override
    public String reload(Host host, List<String> changedFiles) {
        Signals.send(deployment, host, processes(host).get(0), "HUP");
        return host.name() + ": reloaded nginx (" + String.join(", ", changedFiles) + ")";
    }

    private String healthUrl(Host host) {
        return "http://" + host.address() + ":" + deployment.topology().web().port() + NginxConfig.HEALTH_PATH;
    }

    /** Makes {@code target} an exact copy of {@code source}; returns true when anything changed. */
    static boolean syncTree(Path source, Path target) throws IOException {
        boolean changed = false;
        Files.createDirectories(target);
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path from : (Iterable<Path>) walk::iterator) {
                Path to = target.resolve(source.relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else if (!Files.exists(to) || Files.mismatch(from, to) != -1) {
                    Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
                    changed = true;
                }
            }
        }
        try (Stream<Path> walk = Files.walk(target)) {
            List<Path> extra = walk.sorted(java.util.Comparator.reverseOrder())
                    .filter(to -> !Files.exists(source.resolve(target.relativize(to).toString())))
                    .toList();
            for (Path to : extra) {
                Files.delete(to);
                changed = true;
            }
        }
        return changed;
    }
}
