package dev.scaleup.ops;

import static java.util.Objects.requireNonNull;

import dev.scaleup.ansible.AnsibleProject;
import dev.scaleup.ansible.Inputs;
import dev.scaleup.ansible.ProjectFile;
import dev.scaleup.ansible.ProjectFiles;
import dev.scaleup.topology.Host;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A rolling deploy on the hosts target: the project rendered with the new build's release, nginx.conf of every web
 * host with each batch drained, then {@code deploy.yml} ({@code serial}: drain, new release, gate, rollback on a
 * failed gate, undrain) limited to the app hosts to update. Afterwards each app host's {@code /opt/scaleup/current}
 * says which build it runs, and the deployment records that, whether the deploy succeeded or stopped.
 */
final class AnsibleDeploy {

    private static final Duration SSH_TIMEOUT = Duration.ofSeconds(30);

    private final Operation op;
    private final Deployment deployment;

    AnsibleDeploy(Operation op) {
        this.op = requireNonNull(op, "op is null");
        this.deployment = op.deployment();
    }

    /** Updates the hosts to the build, {@code batchSize} at a time; throws with the reason when a gate failed. */
    void run(List<Host> hosts, int batchSize, Path build) {
        Deployment d = deployment;
        Path state = d.state().real();
        Inputs inputs = AnsibleProvisioner.inputs(d, build, Certificates.pem(d, new ArrayList<>()),
                BackupCertificates.files(d, new ArrayList<>()));
        List<List<Host>> batches = new ArrayList<>();
        for (int i = 0; i < hosts.size(); i += batchSize) {
            batches.add(hosts.subList(i, Math.min(hosts.size(), i + batchSize)));
        }
        List<ProjectFile> files = new ArrayList<>(AnsibleProject.render(d.topology(), inputs));
        files.addAll(AnsibleProject.drainFiles(d.topology(), batches));
        Path dir = AnsibleProvisioner.projectDir(state);
        ProjectFiles.write(dir, files);
        op.step("ansible: deploy.yml on " + String.join(", ", names(hosts)) + ", " + batchSize + " at a time (release " + inputs.appRelease()
                + "; raw output in " + AnsibleProvisioner.logFile(state) + ")");
        try {
            new Playbook(dir, AnsibleProvisioner.logFile(state)).run("deploy.yml",
                    List.of("-e", "scaleup_batch=" + batchSize, "--limit", String.join(",", names(hosts)) + ",web"),
                    op.progress());
            // every app host runs the release group_vars names now: a later scale need not run site.yml everywhere
            files.stream().filter(f -> f.path().equals(AnsibleProject.GROUP_VARS)).findFirst()
                    .ifPresent(f -> ProjectFiles.markAppliedToo(dir, f));
        } finally {
            recordRunning(hosts);
        }
    }

    /** Which build each host runs now, read from its /opt/scaleup/current (a release is the build's name + "-rt…"). */
    private void recordRunning(List<Host> hosts) {
        for (Host host : hosts) {
            var result = deployment.target().exec(host, List.of("readlink", "-e", "/opt/scaleup/current"), SSH_TIMEOUT);
            if (!result.ok()) {
                op.step(host.name() + ": cannot tell which build it runs (" + result.stderr().strip() + ")");
                continue;
            }
            String release = Path.of(result.stdout().strip()).getFileName().toString();
            int runtime = release.lastIndexOf("-rt");
            Path build = deployment.state().artifacts().resolve(runtime < 0 ? release : release.substring(0, runtime));
            deployment.useAppArtifact(host, build);
        }
    }

    private static List<String> names(List<Host> hosts) {
        return hosts.stream().map(Host::name).toList();
    }
}
