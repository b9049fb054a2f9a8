package dev.scaleup.drill;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Every drill scenario, in the order `drill all` runs them: the failures, then the operations. The groups, the help
 * text and the names `drill` accepts all come from this list.
 */
public final class Scenarios {

    private static final String ALL_KEY = "all";
    private static final List<DrillScenario> ALL = unique(List.of(
            new LbKill(),
            new LbPartition(),
            new HaproxyCrash(),
            new LbVrrpBlock(),
            new WebKill(),
            new AppKill(),
            new DbReplicaKill(),
            new DbPrimaryKill(),
            new DbPostgresCrash(),
            new PoolerCrash(),
            new DbPrimaryPartition(),
            new DbPrimaryPowerCut(),
            new DbStandbyFreeze(),
            new DbStandbyPartition(),
            new EtcdQuorumLoss(),
            new ScaleOut(),
            new ScaleIn(),
            new DeployNewBuild(),
            new DeployBadArtifact(),
            new RestartTier("lb"),
            new RestartTier("web"),
            new RestartDb(),
            new PointInTimeRestore(false),
            new PointInTimeRestore(true),
            new LoginFloodAttack()));

    private Scenarios() {
    }

    public static List<DrillScenario> all() {
        return ALL;
    }

    public static List<DrillScenario> group(DrillScenario.Group group) {
        return ALL.stream().filter(s -> s.group() == group).toList();
    }

    public static Optional<DrillScenario> byName(String name) {
        return ALL.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public static List<String> names() {
        return ALL.stream().map(DrillScenario::name).toList();
    }

    /** What `drill` runs for its argument: one scenario by name, a group, or all; empty for anything else. */
    public static Optional<List<DrillScenario>> select(String nameOrGroup) {
        if (nameOrGroup.equals(ALL_KEY)) {
            return Optional.of(ALL);
        }
        for (DrillScenario.Group group : DrillScenario.Group.values()) {
            if (group.key().equals(nameOrGroup)) {
                return Optional.of(group(group));
            }
        }
        return byName(nameOrGroup).map(List::of);
    }

    /** Everything {@link #select} accepts, for the message that rejects anything else. */
    public static List<String> selectors() {
        List<String> all = new ArrayList<>(names());
        for (DrillScenario.Group group : DrillScenario.Group.values()) {
            all.add(group.key());
        }
        all.add(ALL_KEY);
        return all;
    }

    /** The help text's lines about the scenarios: each group with its scenarios, then the groups. */
    public static List<String> help() {
        List<String> lines = new ArrayList<>();
        List<String> groups = new ArrayList<>();
        for (DrillScenario.Group group : DrillScenario.Group.values()) {
            List<String> names = group(group).stream().map(DrillScenario::name).toList();
            lines.add(group.heading() + ": " + String.join(", ", names) + ".");
            groups.add(group.key() + " (the " + names.size() + " " + group.plural() + ")");
        }
        groups.add(ALL_KEY + " (all " + ALL.size() + ")");
        lines.add("Groups (one after the other, then a summary table): " + String.join(", ", groups) + ".");
        return lines;
    }

    private static List<DrillScenario> unique(List<DrillScenario> scenarios) {
        Set<String> names = new HashSet<>(Set.of(ALL_KEY));
        for (DrillScenario.Group group : DrillScenario.Group.values()) {
            names.add(group.key());
        }
        for (DrillScenario s : scenarios) {
            if (!names.add(s.name())) {
                throw new IllegalStateException("two scenarios, or a scenario and a group, are named " + s.name());
            }
        }
        return scenarios;
    }
}
