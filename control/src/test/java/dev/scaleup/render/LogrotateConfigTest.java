package dev.scaleup.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.runtime.Exec;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogrotateConfigTest {

    @Test
    void everyHostsLogFilesBySizeCopiedThenTruncated() {
        String config = LogrotateConfig.render(Fixtures.defaultTopology(), Path.of("/state/hosts"));
        assertThat(config).isEqualTo("""
                # scaleup deployment %s: the hosts' log files (generated, do not edit)
                /state/hosts/*/logs/*.log {
                    size 16M
                    rotate 2
                    copytruncate
                    compress
                    missingok
                    notifempty
                    nomail
                }
                """.formatted(Fixtures.defaultTopology().name()));
    }

    /** Debian's logrotate itself, on files of two hosts: the big one is rotated and emptied, the small one left. */
    @Test
    void debiansLogrotateRotatesWhatIsOverTheSizeAndLeavesTheRest(@TempDir Path dir) throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/logrotate")), "needs logrotate (./test installs it)");
        Path big = dir.resolve("hosts/app1/logs/app.log");
        Path small = dir.resolve("hosts/web1/logs/nginx-access.log");
        Files.createDirectories(big.getParent());
        Files.createDirectories(small.getParent());
        try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
            byte[] line = "2026-12-01T04:26:39.123 access method=GET path=/api/info status=200\n".getBytes();
            for (long written = 0; written <= (LogrotateConfig.SIZE_MB + 1) * 1024L * 1024L; written += line.length) {
                file.write(line);
            }
        }
        Files.writeString(small, "a line\n");
        Path config = dir.resolve(LogrotateConfig.FILE);
        Files.writeString(config, LogrotateConfig.render(Fixtures.defaultTopology(), dir.resolve("hosts")));

        Exec.Result run = Exec.run(List.of("/usr/sbin/logrotate", "--state", dir.resolve("status").toString(),
                config.toString()));

        assertThat(run.exitCode()).as(run.stdout() + run.stderr()).isZero();
        assertThat(Files.size(big)).as("emptied in place").isZero();
        assertThat(big.resolveSibling("app.log.1.gz")).exists();
        assertThat(Files.size(big.resolveSibling("app.log.1.gz"))).isLessThan(1024 * 1024);
        assertThat(Files.readString(small)).isEqualTo("a line\n");
        assertThat(small.resolveSibling("nginx-access.log.1.gz")).doesNotExist();
    }
}
