package dev.scaleup.ops;

import static java.util.Objects.requireNonNull;

import dev.scaleup.ansible.PlaybookEvents;
import dev.scaleup.runtime.Exec;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One run of a playbook of the generated project: {@code ansible-playbook} in the project's directory, its events
 * ({@code ansible.posix.jsonl}) turned into progress lines as they come (a line per play, one per task that changed
 * or failed something on a host), its raw output appended to a log beside the project (0600: it is the only place
 * that holds every result). A task that changed nothing makes no line: a second run shows only the plays.
 */
final class Playbook {

    static final Map<String, String> ENV = Map.of("ANSIBLE_STDOUT_CALLBACK", "ansible.posix.jsonl",
            // the events, not ansible's own colours and deprecation notes, make the output
            "ANSIBLE_NOCOLOR", "1", "ANSIBLE_DEPRECATION_WARNINGS", "0");

    private final Path project;
    private final Path log;

    Playbook(Path project, Path log) {
        this.project = requireNonNull(project, "project is null");
        this.log = requireNonNull(log, "log is null");
    }

    /** Runs the playbook; returns how many tasks changed something, or throws with what failed. */
    int run(String playbook, Progress progress) {
        return run(playbook, List.of(), progress);
    }

    /** Runs the playbook with more arguments ({@code --limit}, {@code -e}); as {@link #run(String, Progress)}. */
    int run(String playbook, List<String> args, Progress progress) {
        List<String> failures = new ArrayList<>();
        PlaybookEvents.Recap[] recap = new PlaybookEvents.Recap[1];
        Exec.Result result;
        try (BufferedWriter raw = open()) {
            result = Exec.stream(command("ansible-playbook", playbook, args), ENV, project, line -> {
                write(raw, line);
                PlaybookEvents.parse(line).ifPresent(event -> {
                    switch (event) {
                        case PlaybookEvents.Play play -> progress.step(play.line());
                        case PlaybookEvents.HostResult r when r.status() == PlaybookEvents.Status.CHANGED ->
                                progress.step(r.line());
                        case PlaybookEvents.HostResult r when r.status() == PlaybookEvents.Status.FAILED
                                || r.status() == PlaybookEvents.Status.UNREACHABLE -> {
                            progress.step(r.line());
                            failures.add(r.line());
                        }
                        case PlaybookEvents.HostResult r -> { }
                        case PlaybookEvents.Recap r -> recap[0] = r;
                    }
                });
            });
            write(raw, "# exit " + result.exitCode() + (result.stderr().isBlank() ? "" : "; stderr:\n" + result.stderr()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + log, e);
        }
        if (!result.ok() || recap[0] == null || recap[0].failed()) {
            throw new OperatorException("ansible-playbook " + playbook + " failed (exit " + result.exitCode() + ")"
                    + (failures.isEmpty() ? "" : ":\n  " + String.join("\n  ", failures))
                    + (result.stderr().isBlank() ? "" : "\n" + result.stderr().strip())
                    + "\nthe whole output is in " + log + "; run it by hand from " + project + " with `"
                    + String.join(" ", command("ansible-playbook", playbook, args)) + "`");
        }
        return recap[0].changed();
    }

    private static List<String> command(String program, String playbook, List<String> args) {
        List<String> command = new ArrayList<>(List.of(program, playbook));
        command.addAll(args);
        return command;
    }

    private BufferedWriter open() throws IOException {
        if (!Files.exists(log)) {
            Files.createFile(log, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        return Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    private static void write(BufferedWriter raw, String line) {
        try {
            raw.write(line);
            raw.newLine();
            raw.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
