package dev.scaleup.ops;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Each step of an operation reports one sentence: shown to the operator, appended to the deployment log, kept for tests. */
public final class Progress {

    private final PrintStream out;
    private final long start = System.nanoTime();
    private final List<String> sentences = new ArrayList<>();
    private Path log;

    public Progress(PrintStream out) {
        this.out = out;
    }

    public static Progress silent() {
        return new Progress(null);
    }

    /** From now on sentences are also appended to this file. */
    public void logTo(Path file) {
        this.log = file;
    }

    public synchronized void step(String sentence) {
        String line = String.format("[%5.1fs] %s", elapsedSeconds(), sentence);
        sentences.add(sentence);
        if (out != null) {
            out.println(line);
            out.flush();
        }
        if (log != null) {
            try {
                Files.writeString(log, Instant.now() + " " + sentence + "\n",
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException ignored) {
                // the log is a convenience; the operation goes on without it
            }
        }
    }

    public double elapsedSeconds() {
        return (System.nanoTime() - start) / 1e9;
    }

    public synchronized List<String> sentences() {
        return List.copyOf(sentences);
    }
}
