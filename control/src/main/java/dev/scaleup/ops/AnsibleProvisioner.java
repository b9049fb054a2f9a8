package dev.scaleup.ops;

import static java.util.Objects.requireNonNull;

import dev.scaleup.ansible.AnsibleProject;
import dev.scaleup.ansible.Inputs;
import dev.scaleup.ansible.ProjectFile;
import dev.scaleup.ansible.ProjectFiles;
import dev.scaleup.render.BootstrapSql;
import dev.scaleup.render.FirewallConfig;
import dev.scaleup.render.PatroniConfig;
import dev.scaleup.render.PgBouncerConfig;
import dev.scaleup.render.HostPaths;
import dev.scaleup.render.RenderedFile;
import dev.scaleup.render.SiteBuild;
import dev.scaleup.runtime.HostsTarget;
import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.util.Set;
import java.util.TreeSet;
import dev.scaleup.runtime.SshCommands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The hosts target's converge step: the deployment's Ansible project rendered into {@code <state>/ansible/}
 * ({@link AnsibleProject}) and its {@code site.yml} run ({@link Playbook}), which puts every file, user, firewall and
 * unit in place and starts the stack with up's order and gates. Down stops and disables the units over SSH and
 * leaves the servers as they were otherwise: reachable, their firewall loaded (it lets SSH in).
 */
final class AnsibleProvisioner implements Provisioner {

    private static final Duration DISABLE_TIMEOUT = Duration.ofSeconds(120);
    /** Starting a unit: systemd waits for its start-up (etcd is Type=notify and waits for its peers). */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private final Deployment deployment;
    private final HostsTarget target;

    AnsibleProvisioner(Deployment deployment, HostsTarget target) {
        this.deployment = requireNonNull(deployment, "deployment is null");
        this.target = requireNonNull(target, "target is null");
    }

    /** The project's directory in the state directory (0700: the hosts' files hold secrets). */
    static Path projectDir(Path state) {
        return state.resolve("ansible");
    }

    /** Where each run's raw output is appended. */
    static Path logFile(Path state) {
        return state.resolve("ansible.log");
    }

    /** ansible-playbook and the app's runtime on this machine, then every server (one message per problem). */
    @Override
    public void preflight() {
        List<String> problems = new ArrayList<>();
        if (!Files.isExecutable(Path.of("/usr/bin/ansible-playbook"))) {
            problems.add("this machine has no /usr/bin/ansible-playbook (apt-get install ansible; ./scaleup installs it"
                    + " for a file with target: hosts)");
        }
        Path runtime = AppArtifact.runtimeDir(deployment.repoRoot());
        if (!Files.isExecutable(runtime.resolve("bin/java"))) {
            problems.add("the app's Java runtime " + runtime + " is not built (./scaleup builds it: the app module's"
                    + " package phase)");
        }
        problems.addAll(Preflight.problems(deployment.topology(), target));
        if (!problems.isEmpty()) {
            throw new OperatorException("up refused, nothing was changed on any server:\n  " + String.join("\n  ", problems));
        }
    }

    @Override
    public int converge(Operation op) {
        return run(op);
    }

    /**
     * A scale, the way the netns target does it: site.yml runs only on the new hosts ({@code --limit}), and the hosts
     * that were there learn of them by their files replaced over SSH and a reload, in the order that keeps the site
     * serving: before the new hosts start, those they need (a new app host's database: firewall and pg_hba); after
     * they passed their gates, those that send them requests (nginx's upstreams, HAProxy's backends). App servers
     * whose database list changed restart one at a time, drained. A change beyond the hosts' files (the roles, the
     * app release), or a project no run has applied yet, runs the whole site.yml instead.
     */
    @Override
    public int reconfigure(Operation op) {
        Deployment d = op.deployment();
        Project project = project(op);
        Set<String> setUp = ProjectFiles.appliedHosts(project.dir());
        Set<String> changed = ProjectFiles.changedSinceApplied(project.dir(), project.files());
        java.util.Map<String, List<String>> changedFiles = new java.util.HashMap<>();
        for (Host host : d.topology().hosts()) {
            String prefix = "host_files/" + host.name() + "/";
            changedFiles.put(host.name(), changed.stream().filter(p -> p.startsWith(prefix))
                    .map(p -> p.substring(prefix.length())).toList());
        }
        if (setUp.isEmpty() || !onlyHostFiles(changed) || !onlyRendered(d, setUp, changedFiles)) {
            return run(op, project);
        }
        List<Host> fresh = d.topology().hosts().stream().filter(h -> !setUp.contains(h.name())).toList();
        List<Host> known = new ArrayList<>(); // from the top down: HAProxy first, the database last
        for (Role role : TIER_ORDER) {
            d.topology().hosts(role).stream().filter(h -> setUp.contains(h.name())).forEach(h -> known.add(0, h));
        }
        ProjectFiles.write(project.dir(), project.files());
        List<Host> restart = new ArrayList<>();
        int changes = project.changes();
        if (!fresh.isEmpty()) {
            // first what lets the new hosts in (firewalls, pg_hba), from the bottom up: their gates need it
            for (Host host : known.reversed()) {
                changes += learn(op, host, changedFiles.get(host.name()).stream().filter(ADMITTING::contains).toList(),
                        restart);
            }
            List<String> names = fresh.stream().map(Host::name).toList();
            Path log = logFile(d.state().real());
            op.progress().step("ansible: running site.yml on the new hosts " + String.join(", ", names)
                    + " (raw output in " + log + ")");
            changes += new Playbook(project.dir(), log).run("site.yml", List.of("--limit", String.join(",", names)),
                    op.progress());
        }
        // then what sends requests (HAProxy's backends, nginx's upstreams, the app's database list), from the top
        // down: new hosts passed their gates; a host going away leaves the backends before its firewall shuts
        for (Host host : known) {
            changes += learn(op, host, changedFiles.get(host.name()).stream()
                    .filter(f -> fresh.isEmpty() || !ADMITTING.contains(f)).toList(), restart);
        }
        if (!restart.isEmpty()) {
            new AppRollout(op).restart(restart, 1, null, null);
            changes += restart.size();
        }
        ProjectFiles.markApplied(project.dir(), project.files());
        return changes;
    }

    /**
     * The tiers from the bottom up: a host needs those before it, and is sent requests by those after it. The backup
     * and monitoring hosts come first, so they learn last: mon1's Prometheus scrapes the new hosts once they passed
     * their gates and HAProxy sends them requests (a scale changes its prometheus.yml, a reload applies it).
     */
    private static final List<Role> TIER_ORDER = List.of(Role.BACKUP, Role.MON, Role.DB, Role.APP, Role.WEB, Role.LB);

    /**
     * The files that let hosts in (and only that): applied before new hosts start, safe at any time. With db.pooler
     * a new app host connects to PgBouncer, whose hba file must name it before the app's gate (found by HostsStackIT's
     * scale-out: app3's /readyz never answered).
     */
    private static final Set<String> ADMITTING = Set.of(FirewallConfig.FILE, PatroniConfig.FILE, BootstrapSql.FILE,
            PgBouncerConfig.HBA_FILE);

    /** Whether only hosts' own files (and the inventory that lists the hosts) changed. */
    static boolean onlyHostFiles(Set<String> changed) {
        return changed.stream().allMatch(p -> p.startsWith("host_files/") || p.equals("inventory.yml"));
    }

    /**
     * Whether every file that changed on a host that was there is one scaleup renders and reloads (configs), not a
     * unit or the certificate, which only the playbook puts in place.
     */
    private static boolean onlyRendered(Deployment d, Set<String> setUp, java.util.Map<String, List<String>> changed) {
        return d.topology().hosts().stream().filter(h -> setUp.contains(h.name())).allMatch(h -> d.render(h).stream()
                .map(RenderedFile::name).toList().containsAll(changed.get(h.name())));
    }

    /**
     * A host that was there gets the files the new topology gives it, over SSH, and applies those that changed since
     * the last successful run (a run that failed half way may have written one and not applied it): the firewall
     * reloaded when its rules changed, the other files checked and the server reloaded (an app server, which reads
     * its config only at start, is added to {@code restart}). Returns 1 when anything changed.
     */
    private int learn(Operation op, Host host, List<String> changed, List<Host> restart) {
        if (changed.isEmpty()) {
            return 0;
        }
        Deployment d = op.deployment();
        List<RenderedFile> files = d.render(host).stream().filter(f -> changed.contains(f.name())).toList();
        ConfigFiles.write(d, host, files);
        return apply(op, host, files, changed, restart);
    }

    private int apply(Operation op, Host host, List<RenderedFile> files, List<String> changed, List<Host> restart) {
        Deployment d = op.deployment();
        List<String> said = new ArrayList<>();
        List<String> written = new ArrayList<>(changed);
        if (written.remove(FirewallConfig.FILE)) {
            // what nftables.service's reload runs (the common role's handler says why not the unit's reload)
            target.exec(host, List.of("nft", "-f", "/etc/nftables.conf"), DISABLE_TIMEOUT).orThrow();
            said.add("firewall reloaded");
        }
        if (!written.isEmpty()) {
            ConfigFiles.check(d, host, files);
            String reloaded = d.services().of(host.role()).reload(host, written);
            if (reloaded == null) {
                restart.add(host);
                said.add(String.join(", ", written) + " written (a restart applies it)");
            } else {
                said.add(reloaded.substring(reloaded.indexOf(": ") + 2));
            }
        }
        op.step(host.name() + ": " + String.join("; ", said));
        return 1;
    }

    /** The project as the deployment's topology says, rendered (not yet written), and what making it changed. */
    private record Project(Path dir, List<ProjectFile> files, int changes) {}

    private Project project(Operation op) {
        Deployment d = op.deployment();
        Progress progress = op.progress();
        int changes = 0;
        String installed = AppArtifact.ensureInstalled(d);
        if (installed != null) {
            progress.step(installed);
            changes++;
        }
        List<String> made = new ArrayList<>();
        Certificates.Pem pem = Certificates.pem(d, made);
        List<RenderedFile> pgBackRest = BackupCertificates.files(d, made);
        made.forEach(progress::step);
        progress.step(pem.hint());
        changes += made.size();
        Inputs inputs = inputs(d, d.appArtifact(), pem, pgBackRest);
        return new Project(projectDir(d.state().real()), AnsibleProject.render(d.topology(), inputs), changes);
    }

    /** What the project renders beside the topology, with {@code build} as the app release (a deploy's new one). */
    static Inputs inputs(Deployment d, Path build, Certificates.Pem pem, List<RenderedFile> pgBackRest) {
        AppArtifact.Bundle bundle = AppArtifact.bundle(build, AppArtifact.runtimeDir(d.repoRoot()), d.state().artifacts());
        SiteBuild.build(d.topology().site(), d.state().site());
        return new Inputs(d.secrets(), pem.pem(), VipAccess.of(d).trusted(), bundle.archive(), bundle.release(),
                d.state().site(), pgBackRest, bundle.aotCache());
    }

    private int run(Operation op) {
        return run(op, project(op));
    }

    /** site.yml on every host; the project's files are then the applied ones. */
    private int run(Operation op, Project project) {
        Path log = logFile(op.deployment().state().real());
        ProjectFiles.write(project.dir(), project.files());
        op.progress().step("ansible: the project is in " + project.dir() + "; running site.yml on "
                + op.deployment().topology().hosts().size() + " servers (raw output in " + log + ")");
        int changed = new Playbook(project.dir(), log).run("site.yml", op.progress());
        // every host's files: a host scaled in drops out of the list, so a later scale-out sets it up again
        ProjectFiles.markApplied(project.dir(), project.files());
        op.progress().step(changed == 0 ? "ansible: 0 tasks changed: every server already was as the topology says"
                : "ansible: " + changed + " task" + (changed == 1 ? "" : "s") + " changed");
        return project.changes() + changed;
    }

    /**
     * The host's units stopped and disabled, and its data deleted (a db host's copy of the database would be stale
     * at a later scale-out: Patroni clones the primary again into an empty directory); the server stays, a spare.
     */
    @Override
    public String retire(Host host, Progress progress) {
        List<String> disabled = target.exec(host, SshCommands.disableNow(target.units(host)), DISABLE_TIMEOUT).orThrow()
                .stdout().lines().toList();
        String data = HostPaths.onServer().data().toString();
        target.exec(host, List.of("rm", "-rf", "--one-file-system", data), DISABLE_TIMEOUT).orThrow();
        return host.name() + ": out of service (" + (disabled.isEmpty() ? "no unit was enabled"
                : "disabled " + String.join(", ", disabled)) + "; " + data + " deleted); the server stays, a spare";
    }

    /** The stack's units that are installed and not active, started on each server at once (one SSH command each). */
    @Override
    public int startStopped(Operation op) {
        java.util.concurrent.atomic.AtomicInteger started = new java.util.concurrent.atomic.AtomicInteger();
        Parallel.forEach(deployment.topology().hosts(), host -> {
            List<String> units = target.exec(host, SshCommands.startStopped(target.units(host)), START_TIMEOUT).orThrow()
                    .stdout().lines().toList();
            if (!units.isEmpty()) {
                op.progress().step(host.name() + ": started " + String.join(", ", units));
                started.addAndGet(units.size());
            }
        });
        return started.get();
    }

    /**
     * Nothing before the operation itself: the drains and strays {@link Repair} undoes come from scale, deploy and
     * restart, which do not run on servers yet, and up's playbook puts every file back and reloads what changed.
     */
    @Override
    public List<String> mend() {
        return List.of();
    }

    /** The servers' own firewalls are all there is: this machine holds no rules for them. */
    @Override
    public Firewall.State gatewayState() {
        return Firewall.State.NONE_NEEDED;
    }

    @Override
    public boolean hostsGoOnDown() {
        return false;
    }

    /**
     * Every unit of the stack stopped and disabled on each server, at once; with {@code purge} the data directory
     * deleted as well. Configs, units and the firewall stay: the next up finds them and changes only what differs.
     */
    @Override
    public boolean remove(boolean purge, Progress progress) {
        HostPaths server = HostPaths.onServer();
        Parallel.forEach(deployment.topology().hosts(), host -> {
            List<String> disabled = target.exec(host, SshCommands.disableNow(target.units(host)), DISABLE_TIMEOUT).orThrow()
                    .stdout().lines().toList();
            progress.step(host.name() + ": " + (disabled.isEmpty() ? "no unit of the stack installed"
                    : "disabled " + String.join(", ", disabled) + " (stopped, and not started at boot)"));
            if (purge) {
                target.exec(host, List.of("rm", "-rf", "--one-file-system", server.data().toString()), DISABLE_TIMEOUT)
                        .orThrow();
                progress.step(host.name() + ": deleted " + server.data() + " (the data)");
            }
        });
        return purge;
    }
}
