package dev.scaleup.cli;

import dev.scaleup.drill.Drill;
import dev.scaleup.drill.DrillResult;
import dev.scaleup.drill.DrillScenario;
import dev.scaleup.drill.Scenarios;
import dev.scaleup.drill.Summary;
import dev.scaleup.drill.UnhealthyStackException;
import dev.scaleup.loadgen.Json;
import dev.scaleup.loadgen.LoadException;
import dev.scaleup.ops.Deployment;
import dev.scaleup.ops.OperatorException;
import dev.scaleup.ops.Progress;
import dev.scaleup.ops.RefusedException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "drill", mixinStandardHelpOptions = true,
        description = {"Runs a failure drill against the running stack: load through the VIP, a fault in the middle, "
                + "the restore, then checks that no acknowledged write was lost or applied twice, that the balances "
                + "still add up, and the scenario's limit (outage, writes resume, failed requests).",
            "",
            // ScenarioHelp inserts the registered scenarios and groups here
            "Reports are written to <state>/drills/<scenario>-<time>.json. Ctrl-C restores the fault before exiting."},
        footer = {"", "Exit codes: 0 every limit held, 1 data lost or duplicated or a limit broken, 2 unknown scenario, "
                + "3 the stack is not healthy (nothing was done)."},
        modelTransformer = DrillCommand.ScenarioHelp.class)
final class DrillCommand implements Callable<Integer> {

    static final int UNHEALTHY = 3;

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "SCENARIO", description = "A scenario name, or faults, ops, all.")
    String scenario;

    @Option(names = "--seconds", paramLabel = "S",
            description = "Length of each run (default per scenario: 20 s; 25 s db-replica-kill; 40 s primary scenarios). "
                    + "The fault comes at a quarter, the restore at 60 %% (an operation runs to its end, however "
                    + "long; the restore follows it).")
    int seconds;

    @Option(names = "--clients", paramLabel = "C", description = "Concurrent clients (default ${DEFAULT-VALUE}).")
    int clients = 8;

    @Option(names = "--users", paramLabel = "K", description = "Users the clients act as (default ${DEFAULT-VALUE}).")
    int users = 20;

    @Option(names = "--json", description = "Print the report(s) as JSON on stdout (progress goes to stderr).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Optional<List<DrillScenario>> selected = Scenarios.select(scenario);
        if (selected.isEmpty()) {
            System.err.println("scaleup: unknown scenario '" + scenario + "'; known: "
                    + String.join(", ", Scenarios.selectors()));
            return Errors.USAGE;
        }
        List<DrillScenario> scenarios = selected.get();
        if (seconds < 0 || seconds > 600 || (seconds > 0 && seconds < 8)) {
            System.err.println("scaleup: --seconds must be 8..600");
            return Errors.USAGE;
        }
        if (clients < 1 || clients > 64 || users < 2 || users > 1000) {
            System.err.println("scaleup: --clients must be 1..64 and --users 2..1000");
            return Errors.USAGE;
        }
        CommonOptions.requireRoot();
        Deployment deployment = common.deployment();
        PrintStream out = json ? System.err : System.out;
        Progress progress = new Progress(out);
        progress.logTo(deployment.state().log());
        Drill drill = new Drill(deployment, new Drill.Options(seconds, clients, users), progress);
        List<DrillResult> results = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        // what this stack cannot take (asked once: a power cut's answer reads the labs' plans)
        Map<String, String> unavailable = new LinkedHashMap<>();
        scenarios.forEach(s -> s.unavailable(deployment).ifPresent(why -> unavailable.put(s.name(), why)));
        if (unavailable.size() == scenarios.size()) {
            // one scenario named alone, or `drill backups` on a stack without backups: a refusal, not a failed drill
            throw new RefusedException(String.join("; ", unavailable.entrySet().stream()
                    .map(e -> e.getKey() + ": " + e.getValue()).toList()));
        }
        List<String> notApplicable = new ArrayList<>();
        String refused = null;
        for (DrillScenario s : scenarios) {
            if (unavailable.containsKey(s.name())) {
                // a group runs what this stack can take
                System.err.println("scaleup: " + s.name() + ": not run, it does not apply to this stack: "
                        + unavailable.get(s.name()));
                notApplicable.add(s.name());
                continue;
            }
            if (refused != null) {
                skipped.add(s.name());
                continue;
            }
            try {
                results.add(drill.run(s));
            } catch (UnhealthyStackException e) {
                refused = e.getMessage();
                System.err.println("scaleup: " + s.name() + ": " + e.getMessage());
                skipped.add(s.name());
            } catch (RefusedException e) {
                if (scenarios.size() == 1) {
                    throw e;
                }
                System.err.println("scaleup: " + s.name() + ": " + e.getMessage());
                skipped.add(s.name());
            } catch (LoadException e) {
                throw new OperatorException(s.name() + ": " + e.getMessage());
            }
        }
        boolean passed = !results.isEmpty() && skipped.isEmpty() && results.stream().allMatch(DrillResult::passed);
        if (json) {
            if (scenarios.size() == 1 && results.size() == 1) {
                System.out.println(results.get(0).toJson());
            } else {
                Map<String, Object> all = new LinkedHashMap<>();
                all.put("passed", passed);
                all.put("scenarios", results);
                all.put("skipped", skipped);
                all.put("not_applicable", notApplicable);
                System.out.println(Json.write(all));
            }
        } else {
            out.println();
            for (DrillResult r : results) {
                out.println(r.scenario() + ": " + r.load().summary().replace("\n", "\n  "));
                if (r.failover() != null && !r.failover().steps().isEmpty()) {
                    out.println("  " + r.failover().text());
                }
            }
            out.println();
            out.println(Summary.table(results, skipped));
            if (!notApplicable.isEmpty()) {
                out.println("not applicable to this stack (not run, not failed): " + String.join(", ", notApplicable));
            }
        }
        if (results.isEmpty() && refused != null) {
            return UNHEALTHY;
        }
        return passed ? 0 : Errors.FAILED;
    }

    /** The help text lists the scenarios and groups as {@link Scenarios} has them, after the summary's blank line. */
    static final class ScenarioHelp implements CommandLine.IModelTransformer {
        @Override
        public CommandLine.Model.CommandSpec transform(CommandLine.Model.CommandSpec spec) {
            List<String> lines = new ArrayList<>(List.of(spec.usageMessage().description()));
            lines.addAll(2, Scenarios.help());
            spec.usageMessage().description(lines.toArray(String[]::new));
            return spec;
        }
    }
}
