package dev.scaleup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.it.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {

    static Cli.Run run(String... args) {
        return Cli.run(args);
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"up", "status", "down"}) {
            Cli.Run help = run(command, "--help");
            assertThat(help.exitCode()).isZero();
            assertThat(help.out()).contains("Usage: scaleup " + command).contains("--state-dir");
        }
        assertThat(run("--help").out()).contains("up").contains("status").contains("down");
    }

    @Test
    void aWrongTopologyFileNamesKeyAndLineAndStartsNothing(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("scaleup.yaml");
        Files.writeString(file, """
                name: shop
                web:
                  cuont: 3
                app:
                  count: three
                """);
        Path state = dir.resolve("state");
        Cli.Run up = run("up", "-f", file.toString(), "--state-dir", state.toString());
        assertThat(up.exitCode()).isEqualTo(2);
        assertThat(up.err()).contains("nothing was started")
                .contains("scaleup.yaml:3").contains("web.cuont").contains("did you mean 'web.count'")
                .contains("scaleup.yaml:5").contains("app.count");
        assertThat(state).doesNotExist();
    }

    @Test
    void anUnknownCommandIsAUsageError() {
        Cli.Run run = run("launch");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("launch");
    }

    @Test
    void statusOfNoDeploymentSaysSo(@TempDir Path dir) {
        if (!"root".equals(System.getProperty("user.name"))) {
            return; // the root check comes first; covered in CI as root
        }
        Cli.Run status = run("status", "--state-dir", dir.resolve("none").toString());
        assertThat(status.exitCode()).isEqualTo(1);
        assertThat(status.err()).contains("no deployment at");
    }
}
