package dev.scaleup.render;

import static java.util.Objects.requireNonNull;

/**
 * One generated file: its name inside {@link HostPaths#conf()}, its full text and the permission bits the runtime
 * creates it with.
 *
 * @param name plain file name, no directory part (e.g. {@code haproxy.cfg})
 * @param content the whole file, ending with a newline
 * @param mode POSIX permission bits, e.g. {@link #PUBLIC} or {@link #PRIVATE}
 */
public record RenderedFile(String name, String content, int mode) {

    /** rw-r--r--: configuration without secrets. */
    public static final int PUBLIC = 0644;
    /** rw-------: files holding passwords. */
    public static final int PRIVATE = 0600;

    public RenderedFile {
        requireNonNull(name, "name is null");
        requireNonNull(content, "content is null");
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("not a plain file name: '" + name + "'");
        }
        if (mode < 0 || mode > 0777) {
            throw new IllegalArgumentException("mode out of range: " + Integer.toOctalString(mode));
        }
    }

    /** The mode in the usual octal spelling, e.g. "0600". */
    public String octalMode() {
        return String.format("%04o", mode);
    }

    @Override
    public String toString() {
        // content may hold secrets: never print it
        return "RenderedFile[" + name + ", " + octalMode() + ", " + content.length() + " chars]";
    }
}
