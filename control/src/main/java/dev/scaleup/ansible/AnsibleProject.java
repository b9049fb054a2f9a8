package dev.scaleup.ansible;

import static java.util.Objects.requireNonNull;

import dev.scaleup.render.HostPaths;
import dev.scaleup.render.NginxConfig;
import dev.scaleup.render.RenderedFile;
import dev.scaleup.render.Renderers;
import dev.scaleup.render.Tls;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The self-contained Ansible project that puts a deployment of the hosts target in place: {@code ansible.cfg},
 * {@code inventory.yml}, {@code group_vars/all.yml}, {@code site.yml}, one role per tier and {@code host_files/<host>/}
 * with every file the renderers make for that host (server paths, secrets included) and its systemd units. Pure:
 * {@link ProjectFiles#write} puts it on disk. The roles and {@code site.yml} are fixed text (resources beside this
 * class); what depends on the deployment is in the inventory, the group variables and the hosts' files.
 *
 * <p>Run it with {@code ansible-playbook site.yml} from its directory; {@code scaleup up} will run it with
 * {@code ANSIBLE_STDOUT_CALLBACK=ansible.posix.jsonl} and read the events ({@link PlaybookEvents}).
 */
public final class AnsibleProject {

    /** The Java the app runs on, on an app server: the runtime the project copies there. */
    public static final java.nio.file.Path APP_JAVA = Units.APP_RUNTIME.resolve("bin/java");

    /** What the roles know of the deployment (the app release among it). */
    public static final String GROUP_VARS = "group_vars/all.yml";

    /** The fixed files, as resources under {@code dev/scaleup/ansible/}. */
    static final List<String> FIXED = fixed();

    private AnsibleProject() {}

    public static List<ProjectFile> render(Topology t, Inputs in) {
        requireNonNull(t, "t is null");
        requireNonNull(in, "in is null");
        if (!t.onServers()) {
            throw new IllegalArgumentException("the Ansible project is for target: hosts, not " + t.target());
        }
        List<ProjectFile> files = new ArrayList<>();
        files.add(new ProjectFile("inventory.yml", Inventory.render(t), RenderedFile.PUBLIC));
        files.add(new ProjectFile(GROUP_VARS, GroupVars.render(t, in), RenderedFile.PUBLIC));
        for (String path : FIXED) {
            files.add(new ProjectFile(path, resource(path), RenderedFile.PUBLIC));
        }
        for (Host host : t.hosts()) {
            files.addAll(hostFiles(t, host, in));
        }
        return List.copyOf(files);
    }

    /**
     * For a rolling deploy ({@code deploy.yml}): each web host's nginx.conf with one batch of app hosts drained,
     * {@code host_files/<web>/drain/nginx.<app1+app2>.conf}, the batch named as Ansible's {@code ansible_play_batch}
     * joined with "+" (the app hosts in inventory order, which is the topology's), and as it is with none drained,
     * {@code drain/nginx.conf}, which ends each batch.
     */
    public static List<ProjectFile> drainFiles(Topology t, List<List<Host>> batches) {
        List<ProjectFile> files = new ArrayList<>();
        for (Host web : t.hosts(Role.WEB)) {
            RenderedFile conf = NginxConfig.render(t, web, HostPaths.onServer(), java.util.Set.of());
            files.add(new ProjectFile("host_files/" + web.name() + "/drain/nginx.conf", conf.content(), conf.mode()));
        }
        for (List<Host> batch : batches) {
            java.util.Set<String> drained = new java.util.TreeSet<>(batch.stream().map(Host::name).toList());
            String key = String.join("+", batch.stream().map(Host::name).toList());
            for (Host web : t.hosts(Role.WEB)) {
                RenderedFile conf = NginxConfig.render(t, web, HostPaths.onServer(), drained);
                files.add(new ProjectFile("host_files/" + web.name() + "/drain/nginx." + key + ".conf", conf.content(),
                        conf.mode()));
            }
        }
        return List.copyOf(files);
    }

    /** Every file of one host, under {@code host_files/<host>/}, each with the mode it has on the server. */
    static List<ProjectFile> hostFiles(Topology t, Host host, Inputs in) {
        List<RenderedFile> rendered = new ArrayList<>(Renderers.forHost(t, host, HostPaths.onServer(), in.secrets()));
        rendered.addAll(Units.forHost(t, host, in.appAotCache()));
        if (host.role() == Role.LB) {
            rendered.add(new RenderedFile(Tls.PEM_FILE, in.tlsPem(), RenderedFile.PRIVATE));
        }
        if (host.role() == Role.BACKUP || host.role() == Role.DB && t.backup().enabled()) {
            rendered.addAll(in.pgBackRestFiles());
        }
        return rendered.stream()
                .map(f -> new ProjectFile("host_files/" + host.name() + "/" + f.name(), f.content(), f.mode()))
                .toList();
    }

    private static List<String> fixed() {
        List<String> paths = new ArrayList<>(List.of("ansible.cfg", "site.yml", "deploy.yml", "roles/app/tasks/release.yml",
                "roles/app/tasks/gate.yml", "roles/app/tasks/prune.yml", "roles/backup/tasks/server.yml",
                "roles/exporters/tasks/main.yml"));
        for (String role : List.of("common", "etcd", "db", "backup", "app", "web", "lb", "mon")) {
            paths.add("roles/" + role + "/tasks/main.yml");
            paths.add("roles/" + role + "/handlers/main.yml");
        }
        return List.copyOf(paths);
    }

    static String resource(String path) {
        try (InputStream in = AnsibleProject.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("resource missing from the jar: dev/scaleup/ansible/" + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
