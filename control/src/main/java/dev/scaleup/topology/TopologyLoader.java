package dev.scaleup.topology;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Reads {@code scaleup.yaml} into a validated {@link Topology}. Every key is optional and takes the built-in
 * default ({@link #defaults}) when left out. All problems of a file are reported together, in one
 * {@link TopologyException}, each as {@code file:line: message}.
 */
public final class TopologyLoader {

    private TopologyLoader() {}

    /**
     * The built-in topology: deployment {@code scaleup} in 198.18.0.0/24 with VIP 198.18.0.100, 2 load balancers on
     * port 80, 2 web hosts on port 80, 3 app hosts on port 8080 with 128 MB heap, a PostgreSQL primary and 1 replica
     * on port 5432 with database and user {@code app}, the site in {@code repoRoot/site}; TLS on 443 with a generated
     * certificate for the VIP and {@code scaleup.test}, plain HTTP redirected to it, no rate limit; no source file.
     */
    public static Topology defaults(Path repoRoot) {
        Objects.requireNonNull(repoRoot, "repoRoot is null");
        return Topology.defaults(TopologyKey.NAME.defaultText(),
                repoRoot.resolve(TopologyKey.SITE.defaultText()).toAbsolutePath().normalize());
    }

    /**
     * Reads and validates a topology file. {@code site} is resolved against the file's directory and must be an
     * existing directory; when the file does not set it, {@code repoRoot/site} is used (and must exist). Messages
     * name the file as given. The returned topology's {@code source} is the file's absolute path.
     *
     * @throws TopologyException listing every problem found, or why the file could not be read
     */
    public static Topology load(Path file, Path repoRoot) {
        Objects.requireNonNull(file, "file is null");
        Objects.requireNonNull(repoRoot, "repoRoot is null");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TopologyException(file + ": cannot read the topology file: " + file.toAbsolutePath().normalize() + " does not exist");
        } catch (IOException e) {
            throw new TopologyException(file + ": cannot read the topology file: " + e);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new TopologyException(file + ": cannot read the topology file: it is not UTF-8 text");
        }
        Path absolute = file.toAbsolutePath().normalize();
        return parse(text, absolute.getParent(), repoRoot, file, true);
    }

    /**
     * Parses topology YAML for tests: {@code site} relative to {@code baseDir}, which also stands in for the
     * repository root (so the default site is {@code baseDir/site}); whether the site exists is not checked.
     */
    public static Topology parse(String yaml, Path baseDir, Path sourceForMessages) {
        return parse(yaml, baseDir, baseDir, sourceForMessages, false);
    }

    /**
     * Parses and validates topology YAML.
     *
     * @param baseDir the directory a relative {@code site} is resolved against (the file's directory)
     * @param repoRoot where the default site {@code repoRoot/site} is, when the YAML does not set {@code site}
     * @param sourceForMessages names the file in messages and becomes {@code Topology.source()} (absolute); when
     *     null, messages say {@code <yaml>} and the source is null
     * @param checkSiteExists whether to require the site directory to exist (the only filesystem access)
     * @throws TopologyException listing every problem found
     */
    public static Topology parse(String yaml, Path baseDir, Path repoRoot, Path sourceForMessages, boolean checkSiteExists) {
        Objects.requireNonNull(yaml, "yaml is null");
        Objects.requireNonNull(baseDir, "baseDir is null");
        Objects.requireNonNull(repoRoot, "repoRoot is null");
        Problems problems = new Problems(sourceForMessages == null ? "<yaml>" : sourceForMessages.toString());
        String text = yaml.startsWith("\uFEFF") ? yaml.substring(1) : yaml;
        YamlNode root;
        try {
            root = YamlReader.read(text, problems);
        } catch (YamlReader.MalformedYamlException e) {
            problems.add(e.line(), "malformed YAML: " + e.getMessage());
            throw problems.exception();
        }
        Path source = sourceForMessages == null ? null : sourceForMessages.toAbsolutePath().normalize();
        Topology topology = new TopologyBinder(problems, baseDir.toAbsolutePath().normalize(), repoRoot, checkSiteExists)
                .bind(root, source);
        if (!problems.isEmpty()) {
            throw problems.exception();
        }
        return topology;
    }
}
