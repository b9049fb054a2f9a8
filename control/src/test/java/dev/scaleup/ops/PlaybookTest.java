package dev.scaleup.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleup.render.Tools;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code ansible-playbook} run on this machine ({@code connection: local}, a file in a temporary directory):
 * the progress lines up shows, the count of changed tasks (0 the second time) and a failure's message.
 */
class PlaybookTest {

    private static final String PLAY = """
            - name: A play of one file
              hosts: localhost
              connection: local
              gather_facts: false
              tasks:
                - name: the file
                  ansible.builtin.copy:
                    dest: "{{ playbook_dir }}/out.txt"
                    content: "%s"
                    mode: "0644"
            """;

    @Test
    void aRunShowsItsPlaysAndChangesAndASecondRunChangesNothing(@TempDir Path dir) throws IOException {
        Tools.require("ansible-playbook");
        Files.writeString(dir.resolve("play.yml"), PLAY.formatted("one"));
        Playbook playbook = new Playbook(dir, dir.resolve("ansible.log"));
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        Progress progress = new Progress(new PrintStream(shown, true, StandardCharsets.UTF_8));

        assertThat(playbook.run("play.yml", progress)).isEqualTo(1);
        assertThat(progress.sentences()).containsExactly("ansible: A play of one file", "localhost: the file: changed");
        assertThat(playbook.run("play.yml", Progress.silent())).isZero();

        String log = Files.readString(dir.resolve("ansible.log"));
        assertThat(log).contains("v2_playbook_on_stats").contains("# exit 0");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ansible.log"))))
                .isEqualTo("rw-------");
    }

    @Test
    void aFailedTaskFailsTheRunWithItsLineAndWhereTheOutputIs(@TempDir Path dir) throws IOException {
        Tools.require("ansible-playbook");
        Files.writeString(dir.resolve("play.yml"), PLAY.formatted("x").replace("ansible.builtin.copy:\n"
                + "        dest: \"{{ playbook_dir }}/out.txt\"\n        content: \"x\"\n        mode: \"0644\"",
                "ansible.builtin.command:\n        argv: [\"false\"]"));
        Playbook playbook = new Playbook(dir, dir.resolve("ansible.log"));
        assertThatThrownBy(() -> playbook.run("play.yml", Progress.silent())).isInstanceOf(OperatorException.class)
                .hasMessageContaining("ansible-playbook play.yml failed (exit 2)")
                .hasMessageContaining("localhost: the file: failed (non-zero return code)")
                .hasMessageContaining("the whole output is in " + dir.resolve("ansible.log"));
    }
}
