package dev.scaleup.loadgen;

import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Collectors;

/** The share of each operation in a run, as integer weights. */
public record Mix(Map<Op, Integer> weights) {

    public Mix {
        EnumMap<Op, Integer> copy = new EnumMap<>(Op.class);
        weights.forEach((op, w) -> {
            if (w < 0) {
                throw new IllegalArgumentException("negative weight for " + op.label());
            }
            if (w > 0) {
                copy.put(op, w);
            }
        });
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("the mix has no operation");
        }
        weights = java.util.Collections.unmodifiableMap(copy);
    }

    /** The drill's mix: reads of three kinds and 40% transfers. */
    public static Mix drill() {
        return new Mix(Map.of(Op.ACCOUNT_ME, 3, Op.POSTS, 2, Op.INFO, 1, Op.TRANSFER, 4));
    }

    /**
     * The mix for drills of planned operations (scale, deploy, restart of lb and web): the drill mix plus posts, writes
     * without an Idempotency-Key that nobody may retry. Such an operation must not fail even those.
     */
    public static Mix operations() {
        return new Mix(Map.of(Op.ACCOUNT_ME, 3, Op.POSTS, 2, Op.INFO, 1, Op.TRANSFER, 4, Op.POST, 1));
    }

    public static Mix only(Op op) {
        return new Mix(Map.of(op, 1));
    }

    public int total() {
        return weights.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The operation for a number in [0, total()). */
    public Op pick(int r) {
        int left = Math.floorMod(r, total());
        for (var e : weights.entrySet()) {
            if (left < e.getValue()) {
                return e.getKey();
            }
            left -= e.getValue();
        }
        throw new IllegalStateException("unreachable");
    }

    public boolean needsUsers() {
        return weights.keySet().stream().anyMatch(Op::needsUser);
    }

    @Override
    public String toString() {
        return weights.entrySet().stream().map(e -> e.getKey().label() + "=" + e.getValue())
                .collect(Collectors.joining(","));
    }
}
