package dev.concourse.internal.exec;

import dev.concourse.BuildPlan;
import dev.concourse.config.AcrossStep;
import dev.concourse.config.DoStep;
import dev.concourse.config.GetStep;
import dev.concourse.config.HookKind;
import dev.concourse.config.HookStep;
import dev.concourse.config.InParallelStep;
import dev.concourse.config.LoadVarStep;
import dev.concourse.config.PutStep;
import dev.concourse.config.RetryStep;
import dev.concourse.config.RunStep;
import dev.concourse.config.SetPipelineStep;
import dev.concourse.config.Step;
import dev.concourse.config.TaskStep;
import dev.concourse.config.TimeoutStep;
import dev.concourse.config.TryStep;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns a step tree into a plan the executor runs, the way Concourse's planner
 * ({@code atc/builds/planner.go}) does: every node gets a plan id from one counter, children
 * before their parent, written in hex; {@code attempts: n} plans its step n times (each attempt
 * has its own ids); a put plans its implicit get as {@code on_success(put, get)} unless
 * {@code no_get}; tags are inherited by steps that have none of their own. Ids start at 1 for
 * every build, so the same config always gives the same ids.
 *
 * <p>Stateless and thread-safe.
 */
public final class BuildPlanner {

    private BuildPlanner() {
    }

    /** Plans {@code root} with no inherited tags (a one-off build). */
    public static PlannedStep plan(Step root) {
        return plan(root, List.of());
    }

    /**
     * Plans {@code root} (usually {@code JobConfig.asStep()}) with the job's tags, which steps
     * without tags of their own inherit.
     */
    public static PlannedStep plan(Step root, List<String> jobTags) {
        Objects.requireNonNull(root, "root");
        Visitor visitor = new Visitor();
        return new PlannedStep(visitor.visit(root, List.copyOf(jobTags)));
    }

    /** The public shape of a plan, with the ids its events carry as origins. */
    public static BuildPlan describe(PlannedStep root) {
        return describe(root.root());
    }

    static BuildPlan describe(PlanNode node) {
        return switch (node) {
            case PlanNode.Task t -> new BuildPlan(t.id(), "task", t.step().name(), List.of());
            case PlanNode.Unsupported u -> new BuildPlan(u.id(), u.kind(), u.name(), describeAll(u.children()));
            case PlanNode.Do d -> new BuildPlan(d.id(), "do", null, describeAll(d.steps()));
            case PlanNode.InParallel p -> new BuildPlan(p.id(), "in_parallel", null, describeAll(p.steps()));
            case PlanNode.Try t -> new BuildPlan(t.id(), "try", null, List.of(describe(t.step())));
            case PlanNode.Retry r -> new BuildPlan(r.id(), "retry", null, describeAll(r.attempts()));
            case PlanNode.Timeout t -> new BuildPlan(t.id(), "timeout", null, List.of(describe(t.step())));
            case PlanNode.Hook h -> new BuildPlan(h.id(), h.kind().key(), null,
                    List.of(describe(h.step()), describe(h.hook())));
        };
    }

    private static List<BuildPlan> describeAll(List<PlanNode> nodes) {
        return nodes.stream().map(BuildPlanner::describe).toList();
    }

    /** One planning pass: the id counter lives here. */
    private static final class Visitor {
        private long counter;

        private String nextId() {
            counter++;
            return Long.toHexString(counter);
        }

        private static List<String> effective(List<String> own, List<String> inherited) {
            return own.isEmpty() ? inherited : own;
        }

        PlanNode visit(Step step, List<String> tags) {
            return switch (step) {
                case TaskStep task -> new PlanNode.Task(nextId(), task, effective(task.tags(), tags));
                case GetStep get -> unsupported("get", get.name(), get);
                case PutStep put -> put(put);
                case SetPipelineStep sp -> unsupported("set_pipeline", sp.name(), sp);
                case LoadVarStep lv -> unsupported("load_var", lv.name(), lv);
                case RunStep run -> unsupported("run", run.message(), run);
                case DoStep d -> {
                    List<String> inner = effective(d.tags(), tags);
                    List<PlanNode> children = visitAll(d.steps(), inner);
                    yield new PlanNode.Do(nextId(), children);
                }
                case InParallelStep p -> {
                    List<PlanNode> children = visitAll(p.steps(), tags);
                    yield new PlanNode.InParallel(nextId(), children, p.limit(), p.failFast());
                }
                case TryStep t -> {
                    PlanNode inner = visit(t.step(), tags);
                    yield new PlanNode.Try(nextId(), inner);
                }
                case RetryStep r -> {
                    List<PlanNode> attempts = new ArrayList<>();
                    for (int i = 0; i < r.attempts(); i++) {
                        attempts.add(visit(r.step(), tags));
                    }
                    yield new PlanNode.Retry(nextId(), attempts);
                }
                case TimeoutStep t -> {
                    PlanNode inner = visit(t.step(), tags);
                    yield new PlanNode.Timeout(nextId(), inner, t.duration());
                }
                case AcrossStep a -> {
                    PlanNode template = visit(a.step(), tags);
                    yield new PlanNode.Unsupported(nextId(), "across", null, a, List.of(template));
                }
                case HookStep h -> {
                    PlanNode inner = visit(h.step(), tags);
                    PlanNode hook = visit(h.hook(), tags);
                    yield new PlanNode.Hook(nextId(), h.kind(), inner, hook);
                }
            };
        }

        private List<PlanNode> visitAll(List<Step> steps, List<String> tags) {
            List<PlanNode> nodes = new ArrayList<>(steps.size());
            for (Step s : steps) {
                nodes.add(visit(s, tags));
            }
            return nodes;
        }

        private PlanNode unsupported(String kind, String name, Step step) {
            return new PlanNode.Unsupported(nextId(), kind, name, step, List.of());
        }

        private PlanNode put(PutStep put) {
            PlanNode putNode = unsupported("put", put.name(), put);
            if (put.noGet()) {
                return putNode;
            }
            PlanNode getNode = unsupported("get", put.name(), put);
            return new PlanNode.Hook(nextId(), HookKind.ON_SUCCESS, putNode, getNode);
        }
    }
}
