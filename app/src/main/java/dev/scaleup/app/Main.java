package dev.scaleup.app;

import dev.scaleup.app.config.AppConfig;
import dev.scaleup.app.config.ConfigException;
import dev.scaleup.app.config.ConfigLoader;
import dev.scaleup.app.config.MachineHostName;
import java.util.List;

/** {@code java -jar app.jar [--config FILE]}: exit code 2 on bad configuration. */
public final class Main {

    static final int EXIT_CONFIG = 2;
    static final int EXIT_START = 1;

    private Main() {
    }

    public static void main(String[] args) {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format",
                    "%1$tFT%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
        }
        AppConfig config;
        try {
            config = new ConfigLoader(System.getenv(), MachineHostName::get).load(List.of(args));
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(EXIT_CONFIG);
            return;
        }
        App app;
        try {
            app = App.start(config, System.out);
        } catch (RuntimeException e) {
            System.err.println("app: cannot start on " + config.bind() + ":" + config.port() + ": " + e);
            System.exit(EXIT_START);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(app::shutdown, "app-shutdown"));
        app.awaitTermination();
    }
}
