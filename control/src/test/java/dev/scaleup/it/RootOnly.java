package dev.scaleup.it;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Tests that start real servers need root and the packages; outside CI they are skipped with the reason, in CI they must run. */
final class RootOnly {

    private RootOnly() {
    }

    static void require() {
        String missing = null;
        if (!"root".equals(System.getProperty("user.name"))) {
            missing = "root (network namespaces)";
        } else {
            for (String binary : new String[] {"/usr/sbin/haproxy", "/usr/sbin/keepalived", "/usr/sbin/nginx",
                "/usr/lib/postgresql/15/bin/postgres"}) {
                if (!Files.isExecutable(Path.of(binary))) {
                    missing = binary + " (run ./scaleup --prepare)";
                }
            }
        }
        if (missing == null) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            fail("this test must run in CI but needs " + missing);
        }
        assumeTrue(false, "skipped: needs " + missing);
    }

    /** The repository root: failsafe sets SCALEUP_HOME; otherwise the module's parent. */
    static Path repoRoot() {
        String home = System.getenv("SCALEUP_HOME");
        return (home != null ? Path.of(home) : Path.of("..")).toAbsolutePath().normalize();
    }
}
