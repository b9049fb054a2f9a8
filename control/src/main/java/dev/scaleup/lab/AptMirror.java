package dev.scaleup.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** The Debian mirror this machine's apt uses for a suite: the image is built from it, like the machine's packages. */
final class AptMirror {

    static final String FALLBACK = "http://deb.debian.org/debian";

    private AptMirror() {
    }

    /** The mirror named by /etc/apt's sources for the suite, else deb.debian.org. */
    static String of(String suite) {
        List<String> texts = new ArrayList<>();
        read(Path.of("/etc/apt/sources.list")).ifPresent(texts::add);
        try (Stream<Path> files = Files.list(Path.of("/etc/apt/sources.list.d"))) {
            files.filter(f -> f.toString().endsWith(".sources") || f.toString().endsWith(".list")).sorted()
                    .forEach(f -> read(f).ifPresent(texts::add));
        } catch (IOException e) {
            // no sources.list.d: the main list (or the fallback) decides
        }
        return texts.stream().map(text -> find(text, suite)).flatMap(Optional::stream).findFirst().orElse(FALLBACK);
    }

    /**
     * The first URI serving the suite itself (not -updates or -security), in one-line ({@code deb URI SUITE …}) or
     * deb822 ({@code URIs:} / {@code Suites:}) form.
     */
    static Optional<String> find(String text, String suite) {
        for (String stanza : text.split("\\n\\s*\\n")) {
            String uri = null;
            boolean hasSuite = false;
            for (String raw : stanza.lines().toList()) {
                String line = raw.strip();
                String[] words = line.split("\\s+");
                if (line.startsWith("deb ") && words.length >= 3) {
                    int at = words[1].startsWith("[") ? indexAfterOptions(words) : 1;
                    if (at + 1 < words.length && words[at + 1].equals(suite)) {
                        return Optional.of(words[at]);
                    }
                } else if (line.startsWith("URIs:") && words.length >= 2) {
                    uri = words[1];
                } else if (line.startsWith("Suites:")) {
                    hasSuite = List.of(words).subList(1, words.length).contains(suite);
                }
            }
            if (uri != null && hasSuite) {
                return Optional.of(uri);
            }
        }
        return Optional.empty();
    }

    private static int indexAfterOptions(String[] words) {
        for (int i = 1; i < words.length; i++) {
            if (words[i].endsWith("]")) {
                return i + 1;
            }
        }
        return words.length;
    }

    private static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
