package dev.scaleup.runtime;

import static java.util.Objects.requireNonNull;

import dev.scaleup.render.HostPaths;
import dev.scaleup.render.Secrets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.HexFormat;
import java.util.Properties;
import java.util.Set;

/**
 * Everything a deployment keeps on disk, under one directory:
 * <pre>
 *   state/
 *     topology.json      the topology the deployment runs (status and down read it; no file needed)
 *     secrets.properties generated passwords, mode 0600
 *     scaleup.log        every progress sentence of every command
 *     artifacts/         app builds the app hosts run (copied, so a rebuild never changes a running jar)
 *     site/              the site as the web servers serve it (render.SiteBuild: content-named copies, .gz files)
 *     logrotate.*        netns: the loop that bounds the hosts' log files (ops.LogRotation): conf, status, pid, log
 *     hosts/HOST/        conf, data, logs, run (pid files, sockets), site
 * </pre>
 * Server processes running as other users (postgres, nginx workers) must be able to traverse the path to it.
 * When the chosen directory lies under a directory others cannot enter, the real directory is made under
 * /var/lib/scaleup and the chosen path becomes a symbolic link to it.
 */
public final class StateDir {

    private static final Path FALLBACK_PARENT = Path.of("/var/lib/scaleup");
    private static final List<String> SECRET_KEYS =
            List.of("replication.password", "app.db.password", "superuser.password", "app.token.key");
    /**
     * The pgBackRest repository's passphrase: made with the others for a new deployment, but not required, so a state
     * directory made before backups existed still opens (such a deployment has no backup host).
     */
    public static final String BACKUP_CIPHER_PASS = "backup.cipher.pass";
    /** The login role the app uses after a rotation (absent: the topology's db.user); see ops.SecretRotation. */
    public static final String APP_DB_USER = "app.db.user";
    private final Path path;

    public StateDir(Path path) {
        this.path = requireNonNull(path, "path is null").toAbsolutePath().normalize();
    }

    public Path path() {
        return path;
    }

    public boolean exists() {
        return Files.exists(path.resolve("topology.json"));
    }

    /** Creates the directory if needed; returns the real path that configs should name. */
    public Path create() {
        try {
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(path.getParent());
                if (traversableByOthers(path.getParent())) {
                    Files.createDirectory(path);
                } else {
                    Path real = FALLBACK_PARENT.resolve(shortHash(path.toString()));
                    Files.createDirectories(real);
                    Files.createSymbolicLink(path, real);
                }
            }
            Path real = path.toRealPath();
            Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.createDirectories(real.resolve("hosts"));
            return real;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the state directory " + path, e);
        }
    }

    /** The real directory (following the fallback link). */
    public Path real() {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path;
        }
    }

    public HostPaths host(String hostName) {
        return new HostPaths(real().resolve("hosts").resolve(hostName));
    }

    public Path topologyFile() {
        return real().resolve("topology.json");
    }

    public Path log() {
        return real().resolve("scaleup.log");
    }

    /** The built site (render.SiteBuild), which every web host gets a copy of. */
    public Path site() {
        return real().resolve("site");
    }

    public Path artifacts() {
        return real().resolve("artifacts");
    }

    /** The file the secrets are kept in (mode 0600). */
    public Path secretsFile() {
        return real().resolve("secrets.properties");
    }

    /** The audit trail of the operations that changed the deployment (ops.History). */
    public Path historyFile() {
        return real().resolve("history.log");
    }

    /** The file the operation lock is taken on (ops.OperationLock); it names the holder. */
    public Path lockFile() {
        return real().resolve("operation.lock");
    }

    /** The change in flight (ops.Journal): present while an operation runs, and after one was interrupted. */
    public Path journalFile() {
        return real().resolve("operation.journal");
    }

    /** App hosts the web tier must not send requests to right now, one per line. */
    public Path drainedAppsFile() {
        return real().resolve("drained-apps");
    }

    /** Names the directory under artifacts/ of the app build the app hosts run. */
    public Path currentArtifactFile() {
        return artifacts().resolve("current");
    }

    /** Names the app build one app host runs while a rolling deploy has it on another build than the deployment's. */
    public Path hostArtifactFile(String hostName) {
        return host(hostName).root().resolve("app-artifact");
    }

    /**
     * Generates the secrets a new deployment lacks (with a secure random source), keeping any it has; {@code up}
     * calls it once, when it makes the deployment.
     */
    public void createSecrets() {
        Properties properties = loadSecrets();
        List<String> missing = new java.util.ArrayList<>(missingSecrets(properties));
        if (properties.getProperty(BACKUP_CIPHER_PASS) == null) {
            missing.add(BACKUP_CIPHER_PASS);
        }
        missing.forEach(key -> properties.setProperty(key, randomSecret()));
        if (!missing.isEmpty()) {
            saveSecrets(properties);
        }
    }

    /**
     * The deployment's secrets. A missing or incomplete file is refused, never made anew: new passwords would lock
     * every server out of the database, and a new token key would sign every user out.
     */
    public Secrets secrets() {
        Properties properties = loadSecrets();
        List<String> missing = missingSecrets(properties);
        if (!missing.isEmpty()) {
            throw new MissingSecretsException(secretsFile() + (Files.exists(secretsFile()) ? " lacks " + String.join(", ", missing)
                    : " is missing") + ": the deployment's passwords and token key are not there, and making new ones"
                    + " would lock the servers out of the database and sign every user out; restore the file (mode 0600)"
                    + " from a backup, or `scaleup down` and `scaleup up` for a new deployment");
        }
        return new Secrets(properties.getProperty("replication.password"), properties.getProperty("app.db.password"),
                properties.getProperty("superuser.password"), properties.getProperty("app.token.key"),
                properties.getProperty(APP_DB_USER), properties.getProperty(BACKUP_CIPHER_PASS));
    }

    private static List<String> missingSecrets(Properties properties) {
        return SECRET_KEYS.stream().filter(key -> properties.getProperty(key) == null
                || properties.getProperty(key).isBlank()).toList();
    }

    /** The secrets file of an existing deployment is missing or incomplete. */
    public static final class MissingSecretsException extends IllegalStateException {
        MissingSecretsException(String message) {
            super(message);
        }
    }

    /** The secrets file as it is (empty when there is none). */
    public Properties loadSecrets() {
        Path file = secretsFile();
        Properties properties = new Properties();
        if (Files.exists(file)) {
            try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return properties;
    }

    /** The one writer of the secrets file: replaced atomically by a file that is mode 0600 from its creation. */
    public void saveSecrets(Properties properties) {
        java.io.StringWriter text = new java.io.StringWriter();
        try {
            properties.store(text, "scaleup secrets: generated, never printed; mode 0600");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        writeAtomically(secretsFile(), text.toString(), OWNER_ONLY);
    }

    private static final Set<PosixFilePermission> OWNER_ONLY =
            Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    private static final Set<PosixFilePermission> READABLE = PosixFilePermissions.fromString("rw-r--r--");

    /** Writes a state file (world-readable) atomically; see {@link #writeAtomically(Path, String, Set)}. */
    public static void writeAtomically(Path file, String content) {
        writeAtomically(file, content, READABLE);
    }

    /**
     * Replaces the file so that a reader, or a crash at any moment, sees the old content or the new, never a part:
     * a temporary file beside it, created with {@code mode}, written and synced, then renamed over it.
     */
    public static void writeAtomically(Path file, String content, Set<PosixFilePermission> mode) {
        Path tmp = file.resolveSibling(file.getFileName() + ".new");
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(mode));
            try (var channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                channel.write(java.nio.ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Removes the directory (and the real one behind a fallback link). */
    public void delete() {
        Path real = real();
        deleteTree(real);
        if (!real.equals(path)) {
            deleteTree(path);
        }
    }

    static String randomSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static boolean traversableByOthers(Path dir) throws IOException {
        for (Path p = dir.toRealPath(); p != null; p = p.getParent()) {
            if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                return false;
            }
        }
        return true;
    }

    public static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            if (Files.isSymbolicLink(root)) {
                Files.delete(root);
                return;
            }
            try (var walk = Files.walk(root)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.delete(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }

    private static String shortHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
