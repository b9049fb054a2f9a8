package dev.scaleup.ansible;

import static java.util.Objects.requireNonNull;

/**
 * One file of the generated Ansible project.
 *
 * @param path relative to the project's directory, with forward slashes (e.g. {@code roles/lb/tasks/main.yml})
 * @param content the whole file
 * @param mode POSIX permission bits: 0600 for files holding secrets, 0644 otherwise
 */
public record ProjectFile(String path, String content, int mode) {

    public ProjectFile {
        requireNonNull(path, "path is null");
        requireNonNull(content, "content is null");
        if (path.isEmpty() || path.startsWith("/") || ("/" + path + "/").contains("/../") || ("/" + path + "/").contains("/./")) {
            throw new IllegalArgumentException("not a relative path inside the project: '" + path + "'");
        }
    }

    @Override
    public String toString() {
        // content may hold secrets: never print it
        return "ProjectFile[" + path + ", " + String.format("%04o", mode) + ", " + content.length() + " chars]";
    }
}
