package dev.scaleup.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;

/** The audit trail of operations that change a running deployment: one line per step, shown by `scaleup history`. */
public final class History {

    private final Path file;
    private final String operation;

    public History(Path file, String operation) {
        this.file = file;
        this.operation = operation;
    }

    public static History none() {
        return new History(null, "");
    }

    public synchronized void record(String sentence) {
        if (file == null) {
            return;
        }
        try {
            Files.writeString(file, Instant.now() + " " + operation + ": " + sentence.replace('\n', ' ') + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the audit trail " + file, e);
        }
    }

    public static List<String> read(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
