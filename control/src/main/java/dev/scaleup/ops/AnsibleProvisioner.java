package dev.scaleup.ops;

import static java.util.Objects.requireNonNull;

import dev.scaleup.ansible.AnsibleProject;
import dev.scaleup.ansible.Inputs;
import dev.scaleup.ansible.ProjectFile;
import dev.scaleup.ansible.ProjectFiles;
import dev.scaleup.render.HostPaths;
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
        return run(op, false);
    }

    /**
     * site.yml limited ({@code --limit}) to the hosts whose files differ from what the last successful run applied:
     * the new hosts of a scale-out, and those that learn of them (HAProxy's backends, nginx's upstreams, pg_hba,
     * the firewalls), each reloaded by its role's handlers. The load balancers are always in it: the last play's
     * gate (one VIP holder, the site through the VIP) runs on them. A change beyond the hosts' files (the app
     * release, the roles) runs on every host.
     */
    @Override
    public int reconfigure(Operation op) {
        return run(op, true);
    }

    private int run(Operation op, boolean onlyChanged) {
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
        made.forEach(progress::step);
        progress.step(pem.hint());
        changes += made.size();
        Path state = d.state().real();
        AppArtifact.Bundle bundle = AppArtifact.bundle(d.appArtifact(), AppArtifact.runtimeDir(d.repoRoot()),
                d.state().artifacts());
        Inputs inputs = new Inputs(d.secrets(), pem.pem(), VipAccess.of(d).trusted(), bundle.archive(), bundle.release());
        List<ProjectFile> project = AnsibleProject.render(d.topology(), inputs);
        Path dir = projectDir(state);
        List<String> limit = onlyChanged ? limit(d.topology(), ProjectFiles.changedSinceApplied(dir, project)) : List.of();
        ProjectFiles.write(dir, project);
        if (onlyChanged && limit.isEmpty()) {
            progress.step("ansible: every server already has the files this topology gives it");
            return changes;
        }
        List<String> args = limit.isEmpty() || limit.contains(ALL) ? List.of() : List.of("--limit", String.join(",", limit));
        progress.step("ansible: the project is in " + dir + "; running site.yml on "
                + (args.isEmpty() ? d.topology().hosts().size() + " servers" : String.join(", ", limit))
                + " (raw output in " + logFile(state) + ")");
        int changed = new Playbook(dir, logFile(state)).run("site.yml", args, progress);
        // every host's files: a limited run reached all whose files changed; a host scaled in drops out of the list
        ProjectFiles.markApplied(dir, project);
        progress.step(changed == 0 ? "ansible: 0 tasks changed: every server already was as the topology says"
                : "ansible: " + changed + " task" + (changed == 1 ? "" : "s") + " changed");
        return changes + changed;
    }

    private static final String ALL = "all";

    /**
     * The hosts a limited run must reach, given the project files that changed: those whose own files changed, with
     * the load balancers; {@code all} when a file every host uses changed; none when nothing did.
     */
    static List<String> limit(Topology t, Set<String> changed) {
        Set<String> hosts = new TreeSet<>();
        for (String path : changed) {
            if (path.startsWith("host_files/")) {
                hosts.add(path.split("/")[1]);
            } else if (!path.equals("inventory.yml")) {
                return List.of(ALL);
            }
        }
        if (hosts.isEmpty()) {
            return List.of();
        }
        t.hosts(Role.LB).forEach(h -> hosts.add(h.name()));
        return t.hosts().stream().map(Host::name).filter(hosts::contains).toList();
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
