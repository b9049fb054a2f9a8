package dev.scaleup.cli;

import dev.scaleup.ops.Progress;
import dev.scaleup.ops.SecretRotation;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "secrets", mixinStandardHelpOptions = true,
        description = {"Manages the deployment's generated secrets (kept in <state>/secrets.properties, mode 0600, never"
                + " printed)."},
        subcommands = {SecretsCommand.Rotate.class})
final class SecretsCommand {

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = {"Rotates a secret on the running deployment without failing a request.",
                "app-db: the application's database password. The login the app servers do not use gets a new"
                    + " password; the app servers move to it one at a time (each drained in nginx first); then the old"
                    + " login's password is removed. Run again after an interruption to finish."})
    static final class Rotate implements Callable<Integer> {

        @Mixin
        CommonOptions common;

        @Parameters(index = "0", paramLabel = "SECRET", description = "What to rotate: app-db.")
        String secret;

        @Override
        public Integer call() {
            if (!SecretRotation.SECRETS.contains(secret)) {
                System.err.println("scaleup: unknown secret '" + secret + "'; rotatable: "
                        + String.join(", ", SecretRotation.SECRETS));
                return Errors.USAGE;
            }
            CommonOptions.requireRoot();
            SecretRotation.run(common.state(), CommonOptions.repoRoot(), secret, new Progress(System.out));
            return 0;
        }
    }
}
