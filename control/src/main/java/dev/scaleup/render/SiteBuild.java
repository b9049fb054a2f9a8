package dev.scaleup.render;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The site as the web servers serve it, built from the topology's {@code site} directory the way a site behind a CDN
 * is built:
 * <ul>
 *   <li>every script and style sheet also gets a copy named by its content ({@code app.js} → {@code
 *       app.0123456789.js}), and the HTML pages name those copies, so nginx can tell browsers and caches to keep them
 *       for a year ({@link #HASHED_NAME_REGEX}) while the pages themselves are revalidated on every load;</li>
 *   <li>every text file of {@value #GZIP_MIN_BYTES} bytes or more that gzip makes smaller gets a {@code .gz} beside
 *       it, compressed once at the best level, which nginx's {@code gzip_static} sends as it is.</li>
 * </ul>
 * The output depends only on the input (no time in the gzip header, names from SHA-256), so building the same site
 * twice changes no file and no web host is touched.
 */
public final class SiteBuild {

    public static final int GZIP_MIN_BYTES = 256;
    /** The names of the content-named copies, as an nginx regex (also a Java one). */
    public static final String HASHED_NAME_REGEX = "\\.[0-9a-f]{10}\\.(?:css|js)$";
    private static final Set<String> HASHED = Set.of("css", "js");
    private static final Set<String> COMPRESSED = Set.of("html", "htm", "css", "js", "mjs", "json", "svg", "txt", "xml",
            "map", "ico", "webmanifest");
    /** A page's references to other files: the value of a src or href attribute, in double or single quotes. */
    private static final Pattern REFERENCE = Pattern.compile("(\\b(?:src|href)\\s*=\\s*)([\"'])([^\"'#?]+)([^\"']*)\\2",
            Pattern.CASE_INSENSITIVE);

    private SiteBuild() {}

    /**
     * Builds {@code source} into {@code target}, which becomes exactly the built site (other files are removed).
     *
     * @return the number of files written or removed (0 when {@code target} already was the built site)
     */
    public static int build(Path source, Path target) {
        try {
            Map<String, byte[]> built = files(read(source));
            Files.createDirectories(target);
            int changes = 0;
            for (Map.Entry<String, byte[]> file : built.entrySet()) {
                Path to = target.resolve(file.getKey());
                if (Files.isRegularFile(to) && java.util.Arrays.equals(Files.readAllBytes(to), file.getValue())) {
                    continue;
                }
                Files.createDirectories(to.getParent());
                Files.write(to, file.getValue());
                changes++;
            }
            List<Path> stale;
            try (Stream<Path> walk = Files.walk(target)) {
                stale = walk.sorted(Comparator.reverseOrder())
                        .filter(p -> !p.equals(target))
                        .filter(p -> {
                            String rel = relative(target, p);
                            return Files.isDirectory(p) ? built.keySet().stream().noneMatch(k -> k.startsWith(rel + "/"))
                                    : !built.containsKey(rel);
                        })
                        .toList();
            }
            for (Path p : stale) {
                Files.delete(p);
                changes++;
            }
            return changes;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the site from " + source + " into " + target, e);
        }
    }

    /** The built site's files by path ({@code /}-separated, relative), from the source's. */
    public static Map<String, byte[]> files(Map<String, byte[]> sources) {
        Map<String, String> hashedNames = new TreeMap<>();
        Map<String, byte[]> out = new TreeMap<>();
        for (Map.Entry<String, byte[]> file : sources.entrySet()) {
            out.put(file.getKey(), file.getValue());
            if (HASHED.contains(extension(file.getKey()))) {
                String hashed = hashedName(file.getKey(), file.getValue());
                hashedNames.put(file.getKey(), hashed);
                out.put(hashed, file.getValue());
            }
        }
        for (Map.Entry<String, byte[]> file : sources.entrySet()) {
            String ext = extension(file.getKey());
            if (ext.equals("html") || ext.equals("htm")) {
                out.put(file.getKey(), rewrite(file.getKey(), new String(file.getValue(), UTF_8), hashedNames).getBytes(UTF_8));
            }
        }
        Map<String, byte[]> withGzip = new TreeMap<>(out);
        for (Map.Entry<String, byte[]> file : out.entrySet()) {
            if (COMPRESSED.contains(extension(file.getKey())) && file.getValue().length >= GZIP_MIN_BYTES) {
                byte[] gz = gzip(file.getValue());
                if (gz.length < file.getValue().length) {
                    withGzip.put(file.getKey() + ".gz", gz);
                }
            }
        }
        return withGzip;
    }

    /** {@code dir/app.js} → {@code dir/app.<first 10 hex digits of its SHA-256>.js}. */
    static String hashedName(String path, byte[] content) {
        int dot = path.lastIndexOf('.');
        return path.substring(0, dot) + "." + sha256(content).substring(0, 10) + path.substring(dot);
    }

    /**
     * The page with every reference to a file that has a content-named copy pointing at the copy instead. References
     * are resolved as a browser would: relative to the page's directory, or to the site's root when they start with
     * {@code /}; other origins ({@code https://…}, {@code //…}, {@code data:}) are left alone.
     */
    static String rewrite(String page, String html, Map<String, String> hashedNames) {
        String dir = page.contains("/") ? page.substring(0, page.lastIndexOf('/') + 1) : "";
        Matcher m = REFERENCE.matcher(html);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String ref = m.group(3);
            String resolved = resolve(dir, ref);
            String hashed = resolved == null ? null : hashedNames.get(resolved);
            String replacement = m.group();
            if (hashed != null) {
                String newRef = ref.substring(0, ref.lastIndexOf('/') + 1) + hashed.substring(hashed.lastIndexOf('/') + 1);
                replacement = m.group(1) + m.group(2) + newRef + m.group(4) + m.group(2);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** A reference's path in the site, or null when it leaves the site. */
    private static String resolve(String dir, String ref) {
        if (ref.startsWith("//") || ref.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
            return null;
        }
        String joined = ref.startsWith("/") ? ref.substring(1) : dir + ref;
        List<String> parts = new ArrayList<>();
        for (String part : joined.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    return null;
                }
                parts.removeLast();
            } else {
                parts.add(part);
            }
        }
        return String.join("/", parts);
    }

    /** gzip at the best level with no name and no time in the header, so equal input gives equal bytes. */
    static byte[] gzip(byte[] content) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes) {
            {
                def.setLevel(Deflater.BEST_COMPRESSION);
            }
        }) {
            gz.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static Map<String, byte[]> read(Path source) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    files.put(relative(source, p), Files.readAllBytes(p));
                }
            }
        }
        return files;
    }

    private static String relative(Path root, Path p) {
        return root.relativize(p).toString().replace(java.io.File.separatorChar, '/');
    }

    private static String extension(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        return dot <= 0 ? "" : name.substring(dot + 1).toLowerCase(java.util.Locale.ROOT);
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
