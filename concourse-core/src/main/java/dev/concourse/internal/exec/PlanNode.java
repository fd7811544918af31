package dev.concourse.internal.exec;

import dev.concourse.config.HookKind;
import dev.concourse.config.Step;
import dev.concourse.config.TaskStep;
import java.util.List;

/**
 * One node of a planned build: a step of the config with its plan id and everything the planner
 * decided for it (inherited tags, one child per attempt...). Immutable.
 */
sealed interface PlanNode {

    /** The plan id that events name as their origin. */
    String id();

    /** A task step; {@code tags} are the effective ones (the step's own, else inherited). */
    record Task(String id, TaskStep step, List<String> tags) implements PlanNode {
        public Task {
            tags = List.copyOf(tags);
        }
    }

    /**
     * A step this version cannot run yet (get, put, set_pipeline, load_var, run, across): it is
     * planned (so ids and the described plan are Concourse's) and errors when it runs.
     *
     * @param kind     the plan kind, such as {@code get}
     * @param name     the step's name, or null
     * @param step     the config it came from
     * @param children nested plans (the sub-step template of across)
     */
    record Unsupported(String id, String kind, String name, Step step, List<PlanNode> children) implements PlanNode {
        public Unsupported {
            children = List.copyOf(children);
        }
    }

    /** {@code do}: children in sequence. */
    record Do(String id, List<PlanNode> steps) implements PlanNode {
        public Do {
            steps = List.copyOf(steps);
        }
    }

    /** {@code in_parallel}. {@code limit} 0 means all at once. */
    record InParallel(String id, List<PlanNode> steps, int limit, boolean failFast) implements PlanNode {
        public InParallel {
            steps = List.copyOf(steps);
        }
    }

    /** {@code try}. */
    record Try(String id, PlanNode step) implements PlanNode {
    }

    /** {@code attempts}: the wrapped step planned once per attempt, each with its own ids. */
    record Retry(String id, List<PlanNode> attempts) implements PlanNode {
        public Retry {
            attempts = List.copyOf(attempts);
        }
    }

    /** {@code timeout} as a modifier; the duration is parsed when the step runs. */
    record Timeout(String id, PlanNode step, String duration) implements PlanNode {
    }

    /**
     * A hook ({@code on_success}, {@code on_failure}, {@code on_error}, {@code on_abort},
     * {@code ensure}); a put's implicit get is an {@code on_success} too, as in Concourse.
     */
    record Hook(String id, HookKind kind, PlanNode step, PlanNode hook) implements PlanNode {
    }
}
