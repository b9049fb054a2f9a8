package dev.scaleup.it;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleup.runtime.Exec;
import dev.scaleup.topology.Host;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/** The secrets of a stack (as it holds them now) and the scan that no one else can see them. */
final class StackSecrets {

    private final TestStack stack;

    StackSecrets(TestStack stack) {
        this.stack = requireNonNull(stack, "stack is null");
    }

    /** Every generated secret of the deployment (secrets.properties) and its TLS private keys. */
    Map<String, String> all() throws IOException {
        Properties p = properties();
        Map<String, String> secrets = new TreeMap<>();
        for (String key : List.of("replication.password", "app.db.password", "superuser.password", "app.token.key")) {
            assertThat(p.getProperty(key)).as(key).isNotBlank();
            secrets.put(key, p.getProperty(key));
        }
        // the private keys of TLS: their longest base64 line stands for each
        for (String key : List.of("ca.key", "server.key")) {
            Path file = stack.tlsDir().resolve("private").resolve(key);
            if (Files.exists(file)) {
                secrets.put("tls " + key, Files.readAllLines(file).stream().filter(l -> !l.startsWith("-----"))
                        .max(Comparator.comparingInt(String::length)).orElseThrow());
            }
        }
        return secrets;
    }

    /** The login the app servers use now (a rotation switches between two). */
    String appLogin() throws IOException {
        return properties().getProperty("app.db.user", stack.topology().db().user());
    }

    private Properties properties() throws IOException {
        Properties p = new Properties();
        try (var reader = Files.newBufferedReader(stack.real().resolve("secrets.properties"))) {
            p.load(reader);
        }
        return p;
    }

    /** No secret in the outputs, in any log or world-readable file of the state, or on a command line of the stack. */
    void assertNoLeak(Map<String, String> secrets, List<String> outputs) throws IOException {
        List<String> leaks = new ArrayList<>();
        secrets.forEach((key, value) -> {
            for (String out : outputs) {
                if (out.contains(value)) {
                    leaks.add(key + " in command output");
                }
            }
        });
        Path root = stack.real();
        int[] scanned = {0, 0};
        try (var walk = Files.walk(root)) {
            for (Path file : (Iterable<Path>) walk::iterator) {
                if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                boolean log = file.toString().contains("/logs/") || file.getFileName().toString().endsWith(".log");
                boolean worldReadable = worldReadable(file);
                if (!log && !worldReadable) {
                    continue;
                }
                scanned[log ? 0 : 1]++;
                String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                secrets.forEach((key, value) -> {
                    if (text.contains(value)) {
                        leaks.add(key + " in " + root.relativize(file) + (worldReadable ? " (world-readable)" : " (a log)"));
                    }
                });
            }
        }
        for (Host host : stack.topology().hosts()) {
            String ns = stack.topology().name() + "-" + host.name();
            for (String pid : Exec.run(List.of("ip", "netns", "pids", ns)).stdout().split("\\s+")) {
                if (pid.isBlank()) {
                    continue;
                }
                try {
                    String cmdline = Files.readString(Path.of("/proc", pid, "cmdline")).replace('\0', ' ');
                    secrets.forEach((key, value) -> {
                        if (cmdline.contains(value)) {
                            leaks.add(key + " on the command line of pid " + pid + " on " + host.name());
                        }
                    });
                } catch (IOException gone) {
                    // the process ended meanwhile
                }
            }
        }
        System.out.println("secret scan: " + secrets.size() + " secrets, " + outputs.size() + " command outputs, "
                + scanned[0] + " logs and " + scanned[1] + " other world-readable files, every command line: "
                + (leaks.isEmpty() ? "no leak" : leaks));
        assertThat(scanned[0]).as("logs scanned").isGreaterThan(5);
        assertThat(leaks).isEmpty();
    }

    /** Others may read the file and enter every directory above it. */
    private static boolean worldReadable(Path file) throws IOException {
        if (!Files.getPosixFilePermissions(file).contains(PosixFilePermission.OTHERS_READ)) {
            return false;
        }
        for (Path dir = file.getParent(); dir != null; dir = dir.getParent()) {
            if (!Files.getPosixFilePermissions(dir).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                return false;
            }
        }
        return true;
    }
}
