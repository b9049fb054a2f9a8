package dev.scaleup.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.scaleup.ops.Progress;
import dev.scaleup.ops.Restore;
import dev.scaleup.ops.RestoreTarget;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "restore", mixinStandardHelpOptions = true,
        description = {"Restores the database from the backup repository (backup.enabled) to a point in time, or to the"
                + " end of the archive, and brings the stack back healthy: the app servers stop (no write is"
                + " acknowledged meanwhile; the site answers 502), the primary's WAL is archived, Patroni stops on every"
                + " db host, pgBackRest restores the primary's data directory and PostgreSQL replays the archive to the"
                + " target and promotes, the cluster is started anew under Patroni, the replicas are cloned from it and"
                + " the app servers start again. Everything written after the target is discarded.",
                "It says what it will do and asks first (y/N on standard input) unless --yes. Refused, with nothing"
                        + " changed, when backups are off, when no backup ended before the target, or when the target is"
                        + " after the newest WAL the archive can hold. Take a full backup afterwards."})
final class RestoreCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @ArgGroup(multiplicity = "1")
    Where where;

    static final class Where {
        @Option(names = "--to", paramLabel = "TIMESTAMP", required = true,
                description = "The point in time, with its time zone, as PostgreSQL prints now(): '2026-11-30"
                        + " 11:20:00+00' (or ISO: 2026-11-30T11:20:00Z). Commits up to it are kept.")
        String to;

        @Option(names = "--latest", required = true,
                description = "The newest backup and all the archived WAL after it (after a loss of the database hosts).")
        boolean latest;
    }

    @Option(names = {"-y", "--yes"}, description = "Do not ask.")
    boolean yes;

    @Option(names = "--json", description = "At the end, print a summary as JSON (target, backup, primary, seconds).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        CommonOptions.requireRoot();
        RestoreTarget target = where.latest ? RestoreTarget.latest() : RestoreTarget.at(where.to);
        Progress progress = new Progress(System.out);
        Restore.Result result = Restore.run(common.state(), CommonOptions.repoRoot(), target,
                plan -> yes ? show(plan, System.out) : ask(plan, System.out), progress);
        if (json) {
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("target", result.target());
            summary.put("backup", result.backup());
            summary.put("primary", result.primary());
            summary.put("seconds", Math.round(result.seconds() * 10) / 10.0);
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(summary));
        }
        return 0;
    }

    private static boolean show(List<String> plan, PrintStream out) {
        plan.forEach(line -> out.println("  " + line));
        return true;
    }

    private static boolean ask(List<String> plan, PrintStream out) {
        show(plan, out);
        out.print("Restore now? [y/N] ");
        out.flush();
        try {
            String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            return answer != null && (answer.strip().equalsIgnoreCase("y") || answer.strip().equalsIgnoreCase("yes"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
