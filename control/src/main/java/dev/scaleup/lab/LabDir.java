package dev.scaleup.lab;

import static java.util.Objects.requireNonNull;

import dev.scaleup.runtime.StateDir;
import dev.scaleup.topology.Ipv4;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Subnet;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * Everything a lab keeps on disk (the image cache aside):
 * <pre>
 *   /var/lib/scaleup/lab/NAME/
 *     lab.properties        the plan (subnet, hosts): written first, so that down finds what a failed up made
 *     id_ed25519[.pub]      the lab's login key (root on every host)
 *     known_hosts           every host's sshd key, made here
 *     HOST/upper, work      the host's overlay layers (its changes to the image)
 *     HOST/root             the overlay mount the container boots from
 *     HOST/nspawn.pid       the systemd-nspawn process
 *     HOST/console.log      its output: the container's boot messages
 * </pre>
 */
public record LabDir(Path path) {

    public static final Path PARENT = Path.of("/var/lib/scaleup/lab");

    public LabDir {
        requireNonNull(path, "path is null");
    }

    public static LabDir of(String name) {
        return new LabDir(PARENT.resolve(name));
    }

    public Path key() {
        return path.resolve("id_ed25519");
    }

    public Path knownHosts() {
        return path.resolve("known_hosts");
    }

    Path planFile() {
        return path.resolve("lab.properties");
    }

    public Path host(String host) {
        return path.resolve(host);
    }

    Path upper(String host) {
        return host(host).resolve("upper");
    }

    Path work(String host) {
        return host(host).resolve("work");
    }

    public Path root(String host) {
        return host(host).resolve("root");
    }

    Path pidFile(String host) {
        return host(host).resolve("nspawn.pid");
    }

    public Path console(String host) {
        return host(host).resolve("console.log");
    }

    void savePlan(LabPlan plan) {
        Properties p = new Properties();
        p.setProperty("subnet", plan.subnet().toString());
        plan.hosts().forEach(h -> p.setProperty("host." + h.name(), h.role().name() + " " + h.address()));
        StringWriter text = new StringWriter();
        try {
            p.store(text, "scaleup lab " + plan.name());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StateDir.writeAtomically(planFile(), text.toString());
    }

    /** The plan of the lab made here, if there is one. */
    Optional<LabPlan> loadPlan() {
        if (!Files.exists(planFile())) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try {
            p.load(new StringReader(Files.readString(planFile())));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + planFile(), e);
        }
        List<LabHost> hosts = p.stringPropertyNames().stream().filter(k -> k.startsWith("host.")).sorted().map(k -> {
            String[] value = p.getProperty(k).split(" ");
            return new LabHost(k.substring(5), Role.valueOf(value[0]), Ipv4.parse(value[1]));
        }).sorted(java.util.Comparator.comparing(LabHost::address)).toList();
        return Optional.of(new LabPlan(path.getFileName().toString(), Subnet.parse(p.getProperty("subnet")), hosts));
    }
}
