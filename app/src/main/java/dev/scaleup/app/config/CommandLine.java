package dev.scaleup.app.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The command line: {@code [--config FILE]}; the environment variable {@code APP_CONFIG} is the fallback. The file
 * {@code -} is standard input: a server that runs as an unprivileged user gets its secrets from a file it cannot open
 * itself, opened for it by whoever starts it.
 */
public final class CommandLine {

    static final String USAGE = "usage: java -jar app.jar [--config FILE|-]";
    /** The file name that means standard input. */
    public static final String STDIN = "-";

    private CommandLine() {
    }

    /** The config file named by the arguments, else by {@code APP_CONFIG}, else none. */
    public static Optional<Path> configFile(List<String> args, Map<String, String> env) {
        Optional<Path> fromArgs = Optional.empty();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String value;
            if (arg.equals("--config")) {
                if (i + 1 >= args.size() || args.get(i + 1).isBlank()) {
                    throw new ConfigException("--config needs a file name; " + USAGE);
                }
                value = args.get(++i);
            } else if (arg.startsWith("--config=") && arg.length() > "--config=".length()) {
                value = arg.substring("--config=".length());
            } else {
                throw new ConfigException("unknown argument '" + arg + "'; " + USAGE);
            }
            if (fromArgs.isPresent()) {
                throw new ConfigException("--config given twice; " + USAGE);
            }
            fromArgs = Optional.of(path(value, "--config"));
        }
        if (fromArgs.isPresent()) {
            return fromArgs;
        }
        String fromEnv = env.get("APP_CONFIG");
        if (fromEnv == null || fromEnv.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(path(fromEnv.strip(), "APP_CONFIG"));
    }

    private static Path path(String value, String source) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new ConfigException(source + " must name a file, got an invalid path");
        }
    }
}
