package dev.scaleup.ansible;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a limited run and a deploy decide from: the files applied by the last run that succeeded. */
class ProjectFilesTest {

    private static final ProjectFile VARS = new ProjectFile("group_vars/all.yml", "release: a\n", 0644);
    private static final ProjectFile WEB1 = new ProjectFile("host_files/web1/nginx.conf", "upstream app1\n", 0644);
    private static final ProjectFile DB1 = new ProjectFile("host_files/db1/patroni.yml", "pw\n", 0600);

    @Test
    void aProjectNoRunAppliedIsAllChangedAndHasNoHostSetUp(@TempDir Path dir) {
        assertThat(ProjectFiles.changedSinceApplied(dir, List.of(VARS, WEB1, DB1)))
                .containsExactly("group_vars/all.yml", "host_files/db1/patroni.yml", "host_files/web1/nginx.conf");
        assertThat(ProjectFiles.appliedHosts(dir)).isEmpty();
    }

    @Test
    void onlyWhatDiffersFromTheLastAppliedRunIsChangedAndAHostLeftOutIsNoLongerSetUp(@TempDir Path dir) {
        ProjectFiles.markApplied(dir, List.of(VARS, WEB1, DB1));
        assertThat(ProjectFiles.appliedHosts(dir)).containsExactly("db1", "web1");
        ProjectFile web1Now = new ProjectFile(WEB1.path(), "upstream app1 app2\n", 0644);
        ProjectFile db1Private = new ProjectFile(DB1.path(), DB1.content(), 0644);
        ProjectFile web2 = new ProjectFile("host_files/web2/nginx.conf", "upstream app1 app2\n", 0644);
        // content and mode both count; a host the last run had no files for is new
        assertThat(ProjectFiles.changedSinceApplied(dir, List.of(VARS, web1Now, db1Private, web2)))
                .containsExactly("host_files/db1/patroni.yml", "host_files/web1/nginx.conf", "host_files/web2/nginx.conf");
        // a written project is not an applied one: only markApplied records it
        ProjectFiles.write(dir, List.of(VARS, web1Now, DB1, web2));
        assertThat(ProjectFiles.changedSinceApplied(dir, List.of(VARS, web1Now, DB1, web2)))
                .containsExactly("host_files/web1/nginx.conf", "host_files/web2/nginx.conf");
        ProjectFiles.markApplied(dir, List.of(VARS, web2)); // web1 and db1 scaled in
        assertThat(ProjectFiles.appliedHosts(dir)).containsExactly("web2");
    }

    @Test
    void aDeployRecordsTheNewReleaseAndLeavesTheRestAsItWas(@TempDir Path dir) {
        ProjectFiles.markApplied(dir, List.of(VARS, WEB1));
        ProjectFile released = new ProjectFile(VARS.path(), "release: b\n", 0644);
        ProjectFile web1Now = new ProjectFile(WEB1.path(), "upstream app1 app2\n", 0644);
        ProjectFiles.markAppliedToo(dir, released);
        assertThat(ProjectFiles.changedSinceApplied(dir, List.of(released, web1Now)))
                .containsExactly("host_files/web1/nginx.conf");
        assertThat(ProjectFiles.appliedHosts(dir)).containsExactly("web1");
    }

    @Test
    void aDeployHasEachWebHostsNginxConfWithEachBatchDrainedAndWithNone() {
        Topology t = AnsibleProjectTest.example();
        List<Host> apps = t.hosts(Role.APP);
        List<ProjectFile> files = AnsibleProject.drainFiles(t, List.of(apps.subList(0, 2), apps.subList(2, 3)));
        assertThat(files).extracting(ProjectFile::path).containsExactly(
                "host_files/web1/drain/nginx.conf", "host_files/web2/drain/nginx.conf",
                "host_files/web1/drain/nginx.app1+app2.conf", "host_files/web2/drain/nginx.app1+app2.conf",
                "host_files/web1/drain/nginx.app3.conf", "host_files/web2/drain/nginx.app3.conf");
        String none = files.get(0).content();
        String first = files.get(2).content();
        assertThat(none).doesNotContain(" down;");
        assertThat(first).contains(apps.get(0).address() + ":" + t.app().port() + " max_fails")
                .containsPattern(apps.get(0).address() + ":" + t.app().port() + "[^;]* down;")
                .containsPattern(apps.get(1).address() + ":" + t.app().port() + "[^;]* down;")
                .doesNotContainPattern(apps.get(2).address() + ":" + t.app().port() + "[^;]* down;");
        assertThat(files.get(0).content()).isEqualTo(
                AnsibleProject.render(t, AnsibleProjectTest.INPUTS).stream()
                        .filter(f -> f.path().equals("host_files/web1/nginx.conf")).findFirst().orElseThrow().content());
    }
}
