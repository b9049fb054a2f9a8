package dev.scaleup.ops;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the repository holds for one stanza, read from {@code pgbackrest info --output=json}: its backups, oldest
 * first, and the range of WAL archived.
 *
 * @param stanza the stanza's name (the deployment's)
 * @param statusCode pgBackRest's status code of the stanza: 0 ok, 1 missing stanza path, 2 no valid backups, …
 * @param statusMessage its message ("ok", "no valid backups", …)
 * @param backups every backup, oldest first
 * @param walMin the oldest WAL segment in the archive of the current database, or null when none is archived
 * @param walMax the newest, or null
 */
public record BackupInfo(String stanza, int statusCode, String statusMessage, List<Entry> backups, String walMin,
                         String walMax) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public BackupInfo {
        requireNonNull(stanza, "stanza is null");
        requireNonNull(statusMessage, "statusMessage is null");
        backups = List.copyOf(backups);
    }

    /**
     * One backup.
     *
     * @param label pgBackRest's label ({@code 20261130-081500F}, {@code …_20261130-090000I})
     * @param type full, diff or incr
     * @param start when it started
     * @param stop when it ended
     * @param size the database's size when it was taken (bytes, before compression)
     * @param delta what this backup copied: all of it for a full backup, the files changed since its reference for
     *     a diff or incr
     * @param repositorySize what a restore of it reads from the repository (compressed, encrypted)
     * @param repositoryDelta what this backup added to the repository
     * @param walStart the first WAL segment a restore of it needs
     * @param walStop the last one it needs to be consistent
     */
    public record Entry(String label, String type, Instant start, Instant stop, long size, long delta,
                        long repositorySize, long repositoryDelta, String walStart, String walStop) {
        public Entry {
            requireNonNull(label, "label is null");
            requireNonNull(type, "type is null");
            requireNonNull(start, "start is null");
            requireNonNull(stop, "stop is null");
        }
    }

    /** No stanza yet, or no backup in it: pgBackRest says so in the status, not with an error. */
    public boolean ok() {
        return statusCode == 0;
    }

    public Optional<Entry> newest() {
        return backups.isEmpty() ? Optional.empty() : Optional.of(backups.get(backups.size() - 1));
    }

    /** Parses pgBackRest's JSON (an array of stanzas) for {@code stanza}; throws IllegalArgumentException when absent. */
    public static BackupInfo parse(String json, String stanza) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("pgbackrest info printed no JSON: " + e.getMessage(), e);
        }
        for (JsonNode node : root) {
            if (node.path("name").asText().equals(stanza)) {
                return of(node);
            }
        }
        throw new IllegalArgumentException("pgbackrest info knows no stanza " + stanza);
    }

    private static BackupInfo of(JsonNode node) {
        List<Entry> backups = new ArrayList<>();
        for (JsonNode b : node.path("backup")) {
            backups.add(new Entry(b.path("label").asText(), b.path("type").asText(),
                    Instant.ofEpochSecond(b.path("timestamp").path("start").asLong()),
                    Instant.ofEpochSecond(b.path("timestamp").path("stop").asLong()),
                    b.path("info").path("size").asLong(), b.path("info").path("delta").asLong(),
                    b.path("info").path("repository").path("size").asLong(),
                    b.path("info").path("repository").path("delta").asLong(),
                    text(b.path("archive").path("start")), text(b.path("archive").path("stop"))));
        }
        // the archive of the database the stanza has now (a stanza-upgrade adds another; the last is current)
        JsonNode archives = node.path("archive");
        JsonNode current = archives.size() == 0 ? null : archives.get(archives.size() - 1);
        return new BackupInfo(node.path("name").asText(), node.path("status").path("code").asInt(),
                node.path("status").path("message").asText(), backups,
                current == null ? null : text(current.path("min")), current == null ? null : text(current.path("max")));
    }

    private static String text(JsonNode node) {
        return node.isTextual() ? node.asText() : null;
    }
}
