package dev.scaleup.render;

import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code app.properties} of an application server, read by {@code java -Xmx<heap>m -jar app.jar --config
 * <conf>/app.properties}. Holds the database password, hence mode 0600.
 */
public final class AppProperties {

    public static final String FILE = "app.properties";

    /** The app server's command line, the same on both targets: the JVM, the heap, the jar and this file. */
    public static List<String> command(Topology t, Path java, Path jar) {
        return command(t, java, List.of(), jar);
    }

    /**
     * The same with the JVM mapping the AOT cache at {@code aotCache} (made for that JVM and jar; a JVM that finds it
     * missing or not matching says so and starts without it).
     */
    public static List<String> command(Topology t, Path java, Path jar, Path aotCache) {
        return command(t, java, List.of("-XX:AOTCache=" + aotCache), jar);
    }

    private static List<String> command(Topology t, Path java, List<String> options, Path jar) {
        List<String> command = new java.util.ArrayList<>(List.of(java.toString(), "-Xmx" + t.app().heapMb() + "m",
                "-XX:+UseSerialGC"));
        command.addAll(options);
        command.addAll(List.of("-jar", jar.toString(), "--config", "-"));
        return List.copyOf(command);
    }

    /**
     * The unprivileged user the app server runs as, on either target. It cannot read its own properties (they hold
     * the database password and the token key): whoever starts it opens the file as root and hands it over on
     * standard input ({@code --config -}; on a server systemd's {@code StandardInput=file:}).
     */
    public static final String SERVER_USER = "scaleup-app";

    private AppProperties() {}

    public static RenderedFile render(Topology t, Host host, HostPaths paths, Secrets secrets) {
        Text.requireRole(host, Role.APP, FILE);
        String dbHosts = t.hosts(Role.DB).stream()
                .map(db -> db.address() + ":" + t.db().appPort())
                .collect(Collectors.joining(","));
        String content = (Text.banner(t, host) + """
                app.bind=%s
                app.port=%d
                app.host-name=%s
                db.hosts=%s
                db.name=%s
                db.user=%s
                db.password=%s
                app.token-key=%s
                """ + (t.db().pooler() ? "db.pooled=true\n" : "")).formatted(
                        host.address(),
                        t.app().port(),
                        Text.propertiesValue(host.name()),
                        dbHosts,
                        Text.propertiesValue(t.db().name()),
                        Text.propertiesValue(AppLogins.current(t, secrets)),
                        Text.propertiesValue(secrets.appDbPassword()),
                        Text.propertiesValue(secrets.appTokenKey()));
        return new RenderedFile(FILE, content, RenderedFile.PRIVATE);
    }
}
