package dev.scaleup.ops;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The server binaries a deployment runs, found once; a missing one is named with the Debian package that has it. */
public record Tools(Path haproxy, Path keepalived, Path nginx, Path pgBin, Path java) {

    public static final Path PG_BIN = Path.of("/usr/lib/postgresql/15/bin");

    /**
     * The programs on a Debian 12 server of the hosts target, where the Ansible project installs them (the app's
     * Java is the runtime it ships with). Nothing here is run on this machine: the units run them there.
     */
    public static final Tools ON_SERVERS = new Tools(Path.of("/usr/sbin/haproxy"), Path.of("/usr/sbin/keepalived"),
            Path.of("/usr/sbin/nginx"), PG_BIN, dev.scaleup.ansible.AnsibleProject.APP_JAVA);

    public static Tools find() {
        Map<Path, String> required = new LinkedHashMap<>();
        required.put(Path.of("/usr/sbin/haproxy"), "haproxy");
        required.put(Path.of("/usr/sbin/keepalived"), "keepalived");
        required.put(Path.of("/usr/sbin/nginx"), "nginx");
        required.put(PG_BIN.resolve("postgres"), "postgresql-15");
        required.put(Path.of("/usr/bin/setpriv"), "util-linux");
        required.put(Path.of("/usr/bin/patroni"), "patroni");
        required.put(Path.of("/usr/bin/tini"), "tini");
        required.put(Path.of("/usr/bin/etcd"), "etcd-server");
        required.put(Path.of("/usr/bin/pgbackrest"), "pgbackrest");
        required.put(Path.of("/usr/sbin/pgbouncer"), "pgbouncer");
        required.put(Path.of("/usr/sbin/logrotate"), "logrotate");
        List<String> missing = new ArrayList<>();
        required.forEach((path, pkg) -> {
            if (!Files.isExecutable(path)) {
                missing.add(path + " (apt-get install " + pkg + ")");
            }
        });
        if (!missing.isEmpty()) {
            throw new OperatorException("missing programs: " + String.join(", ", missing)
                    + "; ./scaleup installs them when run as root");
        }
        Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
        return new Tools(Path.of("/usr/sbin/haproxy"), Path.of("/usr/sbin/keepalived"), Path.of("/usr/sbin/nginx"),
                PG_BIN, java);
    }

    public Path pg(String program) {
        return pgBin.resolve(program);
    }
}
