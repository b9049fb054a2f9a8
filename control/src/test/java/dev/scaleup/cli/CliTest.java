package dev.scaleup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {

    record Run(int code, String out, String err) {
    }

    static synchronized Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        var o = new ByteArrayOutputStream();
        var e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = Main.execute(args);
            return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"up", "status", "down"}) {
            Run help = run(command, "--help");
            assertThat(help.code()).isZero();
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
        Run up = run("up", "-f", file.toString(), "--state-dir", state.toString());
        assertThat(up.code()).isEqualTo(2);
        assertThat(up.err()).contains("nothing was started")
                .contains("scaleup.yaml:3").contains("web.cuont").contains("did you mean 'web.count'")
                .contains("scaleup.yaml:5").contains("app.count");
        assertThat(state).doesNotExist();
    }

    @Test
    void anUnknownCommandIsAUsageError() {
        Run run = run("launch");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("launch");
    }

    @Test
    void statusOfNoDeploymentSaysSo(@TempDir Path dir) {
        if (!"root".equals(System.getProperty("user.name"))) {
            return; // the root check comes first; covered in CI as root
        }
        Run status = run("status", "--state-dir", dir.resolve("none").toString());
        assertThat(status.code()).isEqualTo(1);
        assertThat(status.err()).contains("no deployment at");
    }
}
