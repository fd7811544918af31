package dev.concourse.internal.exec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A step tree with its plan ids, ready to run with {@link BuildRun#run(PlannedStep)}. Made by
 * {@link BuildPlanner#plan}; immutable, so one plan may be run by several builds.
 */
public final class PlannedStep {
    private final PlanNode root;

    PlannedStep(PlanNode root) {
        this.root = Objects.requireNonNull(root, "root");
    }

    PlanNode root() {
        return root;
    }

    /** The plan id of the root step. */
    public String id() {
        return root.id();
    }

    /**
     * The explicit {@code get} steps of the plan (not a put's implicit get, not the substeps of an
     * {@code across}, which are planned when it runs): their step name by plan id, in plan order.
     */
    public Map<String, String> explicitGets() {
        Map<String, String> gets = new LinkedHashMap<>();
        collectGets(root, gets);
        return gets;
    }

    private static void collectGets(PlanNode node, Map<String, String> gets) {
        switch (node) {
            case PlanNode.Get get -> {
                if (get.versionFrom() == null) {
                    gets.put(get.id(), get.step().name());
                }
            }
            case PlanNode.Do d -> d.steps().forEach(child -> collectGets(child, gets));
            case PlanNode.InParallel p -> p.steps().forEach(child -> collectGets(child, gets));
            case PlanNode.Try t -> collectGets(t.step(), gets);
            case PlanNode.Retry r -> r.attempts().forEach(child -> collectGets(child, gets));
            case PlanNode.Timeout t -> collectGets(t.step(), gets);
            case PlanNode.Hook h -> {
                collectGets(h.step(), gets);
                collectGets(h.hook(), gets);
            }
            default -> {
            }
        }
    }

    @Override
    public String toString() {
        return "PlannedStep" + BuildPlanner.describe(this);
    }
}
