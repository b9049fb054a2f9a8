package dev.scaleup.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleup.render.Secrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDirTest {

    @TempDir
    Path dir;

    /** Traversable by others, so the state directory is made in place and not under /var/lib/scaleup. */
    @org.junit.jupiter.api.BeforeEach
    void openTheTemporaryDirectory() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void aNewDeploymentGetsEverySecretInAFileOnlyItsOwnerReads() throws Exception {
        StateDir state = new StateDir(dir.resolve("state"));
        state.create();
        state.createSecrets();
        Secrets secrets = state.secrets();
        assertThat(secrets.superuserPassword()).hasSizeGreaterThan(40);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.secretsFile()))).isEqualTo("rw-------");
        String before = Files.readString(state.secretsFile());
        state.createSecrets();
        assertThat(Files.readString(state.secretsFile())).as("kept, not made anew").isEqualTo(before);
    }

    @Test
    void aMissingOrIncompleteSecretsFileIsRefusedNotMadeAnew() throws Exception {
        StateDir state = new StateDir(dir.resolve("state"));
        state.create();
        assertThatThrownBy(state::secrets).isInstanceOf(StateDir.MissingSecretsException.class)
                .hasMessageContaining("secrets.properties is missing").hasMessageContaining("restore the file");
        assertThat(state.secretsFile()).doesNotExist();

        state.createSecrets();
        Properties partial = state.loadSecrets();
        partial.remove("app.token.key");
        state.saveSecrets(partial);
        assertThatThrownBy(state::secrets).hasMessageContaining("lacks app.token.key")
                .hasMessageContaining("sign every user out");
        assertThat(state.loadSecrets().getProperty("app.token.key")).as("nothing generated").isNull();
    }

    @Test
    void stateFilesAreReplacedWholeAndNoTemporaryFileStays() throws Exception {
        Path file = dir.resolve("sub/drained-apps");
        StateDir.writeAtomically(file, "app1\n");
        StateDir.writeAtomically(file, "app2\n");
        assertThat(Files.readString(file)).isEqualTo("app2\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r--r--");
        try (var listing = Files.list(file.getParent())) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactly("drained-apps");
        }
    }
}
