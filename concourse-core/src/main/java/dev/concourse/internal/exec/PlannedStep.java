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
     * The task, get (explicit or a put's implicit get) and put steps of the plan, outside any
     * {@code across}: a description such as {@code task 'unit'} or {@code get step 'repo'} by plan
     * id, in plan order.
     */
    public Map<String, String> containerSteps() {
        Map<String, String> steps = new LinkedHashMap<>();
        collectSteps(root, steps);
        return steps;
    }

    private static void collectSteps(PlanNode node, Map<String, String> steps) {
        switch (node) {
            case PlanNode.Task task -> steps.put(task.id(), "task '" + task.step().name() + "'");
            case PlanNode.Get get -> steps.put(get.id(), "get step '" + get.step().name() + "'");
            case PlanNode.Put put -> steps.put(put.id(), "put step '" + put.step().name() + "'");
            case PlanNode.Do d -> d.steps().forEach(child -> collectSteps(child, steps));
            case PlanNode.InParallel p -> p.steps().forEach(child -> collectSteps(child, steps));
            case PlanNode.Try t -> collectSteps(t.step(), steps);
            case PlanNode.Retry r -> r.attempts().forEach(child -> collectSteps(child, steps));
            case PlanNode.Timeout t -> collectSteps(t.step(), steps);
            case PlanNode.Hook h -> {
                collectSteps(h.step(), steps);
                collectSteps(h.hook(), steps);
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
