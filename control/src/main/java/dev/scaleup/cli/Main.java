package dev.scaleup.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The scaleup command line: one small class per command, all registered here. */
@Command(name = "scaleup", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Stands up the Scale-up web architecture (HAProxy pair with a VIP → nginx → Java app servers → "
                + "PostgreSQL primary and replicas), each server its own network namespace, and operates it.",
        subcommands = {UpCommand.class, StatusCommand.class, DownCommand.class, ScaleCommand.class, DeployCommand.class, RestartCommand.class, HistoryCommand.class, LogsCommand.class, BackupCommand.class, BackupsCommand.class, RestoreCommand.class, AlertsCommand.class, DashboardCommand.class, DrillCommand.class, BenchCommand.class, SecretsCommand.class, HostsCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 the operation failed, 2 bad usage or topology, 3 (status) not healthy."})
public final class Main {

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setExecutionExceptionHandler(new Errors());
        return commandLine.execute(args);
    }

    /** The version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"scaleup " + (version == null ? "dev" : version)};
        }
    }
}
