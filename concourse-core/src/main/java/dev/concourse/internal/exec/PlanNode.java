package dev.concourse.internal.exec;

import dev.concourse.config.AcrossStep;
import dev.concourse.config.GetStep;
import dev.concourse.config.HookKind;
import dev.concourse.config.LoadVarStep;
import dev.concourse.config.PutStep;
import dev.concourse.config.SetPipelineStep;
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
     * A {@code get} step, or the implicit get after a put.
     *
     * @param step        the step; for an implicit get, one made from the put (its name, resource,
     *                    {@code get_params}, tags and timeout), as Concourse's planner makes it
     * @param versionFrom the plan id of the put whose created version this get fetches, or null for
     *                    an explicit get
     * @param tags        the effective tags
     */
    record Get(String id, GetStep step, String versionFrom, List<String> tags) implements PlanNode {
        public Get {
            tags = List.copyOf(tags);
        }
    }

    /** A {@code put} step; {@code tags} are the effective ones. */
    record Put(String id, PutStep step, List<String> tags) implements PlanNode {
        public Put {
            tags = List.copyOf(tags);
        }
    }

    /** {@code load_var}. */
    record LoadVar(String id, LoadVarStep step) implements PlanNode {
    }

    /** {@code set_pipeline}. */
    record SetPipeline(String id, SetPipelineStep step) implements PlanNode {
    }

    /**
     * {@code across}: the wrapped step planned once as a template, with ids from the build's
     * counter as Concourse plans it; the substeps that run are planned from the config when the
     * step runs, once per combination of values, with ids {@code <id>/<combination>/<n>}.
     *
     * @param step     the config, for the vars and the wrapped step
     * @param template the wrapped step as planned (described, never run)
     * @param tags     the tags the substeps inherit
     */
    record Across(String id, AcrossStep step, PlanNode template, List<String> tags) implements PlanNode {
        public Across {
            tags = List.copyOf(tags);
        }
    }

    /**
     * A step this version cannot run yet (run): it is planned (so ids and the described
     * plan are Concourse's) and errors when it runs.
     *
     * @param kind the plan kind, such as {@code get}
     * @param name the step's name, or null
     * @param step the config it came from
     */
    record Unsupported(String id, String kind, String name, Step step) implements PlanNode {
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
