package dev.concourse.internal.exec;

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

    @Override
    public String toString() {
        return "PlannedStep" + BuildPlanner.describe(this);
    }
}
