package dev.concourse;

import java.util.List;

/**
 * A build's plan as run: a tree of steps, each with the id that events name as their origin.
 *
 * @param id       the step's plan id
 * @param kind     {@code task}, {@code get}, {@code put}, {@code do}, {@code in_parallel},
 *                 {@code try}, {@code retry}, {@code timeout}, {@code on_success}, {@code across}...
 * @param name     the step's name (task, get, put, set_pipeline, load_var), or null
 * @param children nested steps: for hooks the step first and the hook second
 */
public record BuildPlan(String id, String kind, String name, List<BuildPlan> children) {
    public BuildPlan {
        children = List.copyOf(children);
    }
}
