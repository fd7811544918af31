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
 * {@code no_get}; tags are inherited by steps that have none of their own; {@code across} plans
 * its step once as a template, and its substeps when it runs ({@link #planSubstep}). Ids start at
 * 1 for every build, so the same config always gives the same ids.
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

    /**
     * Plans substep {@code index} of an {@code across} step, as Concourse's
     * {@code ConstructAcrossSubsteps} does: the step (already interpolated with the combination's
     * values) is planned as usual, then its ids are replaced, parents before children, by
     * {@code <acrossId>/<index>/0}, {@code .../1}... An {@code across} inside keeps the ids of its
     * template; its own substeps are numbered when it runs.
     */
    static PlanNode planSubstep(Step step, List<String> tags, String acrossId, int index) {
        PlanNode planned = new Visitor().visit(step, List.copyOf(tags));
        return renumber(planned, acrossId + "/" + index + "/", new int[1]);
    }

    /** Pre-order, as {@code atc.Plan.Each}: the node, then its children in order. */
    private static PlanNode renumber(PlanNode node, String prefix, int[] counter) {
        String id = prefix + counter[0]++;
        return switch (node) {
            case PlanNode.Task t -> new PlanNode.Task(id, t.step(), t.tags());
            case PlanNode.Get g -> new PlanNode.Get(id, g.step(), g.versionFrom(), g.tags());
            case PlanNode.Put p -> new PlanNode.Put(id, p.step(), p.tags());
            case PlanNode.LoadVar l -> new PlanNode.LoadVar(id, l.step());
            case PlanNode.SetPipeline s -> new PlanNode.SetPipeline(id, s.step());
            case PlanNode.Across a -> new PlanNode.Across(id, a.step(), a.template(), a.tags());
            case PlanNode.Unsupported u -> new PlanNode.Unsupported(id, u.kind(), u.name(), u.step());
            case PlanNode.Do d -> new PlanNode.Do(id, renumberAll(d.steps(), prefix, counter));
            case PlanNode.InParallel p -> new PlanNode.InParallel(id, renumberAll(p.steps(), prefix, counter),
                    p.limit(), p.failFast());
            case PlanNode.Try t -> new PlanNode.Try(id, renumber(t.step(), prefix, counter));
            case PlanNode.Retry r -> new PlanNode.Retry(id, renumberAll(r.attempts(), prefix, counter));
            case PlanNode.Timeout t -> new PlanNode.Timeout(id, renumber(t.step(), prefix, counter), t.duration());
            case PlanNode.Hook h -> {
                PlanNode step = renumber(h.step(), prefix, counter);
                PlanNode hook = renumber(h.hook(), prefix, counter);
                if (hook instanceof PlanNode.Get g && h.step().id().equals(g.versionFrom())) {
                    // a put's implicit get fetches what the put (renumbered with it) created
                    hook = new PlanNode.Get(g.id(), g.step(), step.id(), g.tags());
                }
                yield new PlanNode.Hook(id, h.kind(), step, hook);
            }
        };
    }

    private static List<PlanNode> renumberAll(List<PlanNode> nodes, String prefix, int[] counter) {
        List<PlanNode> out = new ArrayList<>(nodes.size());
        for (PlanNode node : nodes) {
            out.add(renumber(node, prefix, counter));
        }
        return out;
    }

    /** The public shape of a plan, with the ids its events carry as origins. */
    public static BuildPlan describe(PlannedStep root) {
        return describe(root.root());
    }

    static BuildPlan describe(PlanNode node) {
        return switch (node) {
            case PlanNode.Task t -> new BuildPlan(t.id(), "task", t.step().name(), List.of());
            case PlanNode.Get g -> new BuildPlan(g.id(), "get", g.step().name(), List.of());
            case PlanNode.Put p -> new BuildPlan(p.id(), "put", p.step().name(), List.of());
            case PlanNode.LoadVar l -> new BuildPlan(l.id(), "load_var", l.step().name(), List.of());
            case PlanNode.SetPipeline s -> new BuildPlan(s.id(), "set_pipeline", s.step().name(), List.of());
            case PlanNode.Across a -> new BuildPlan(a.id(), "across", null, List.of(describe(a.template())));
            case PlanNode.Unsupported u -> new BuildPlan(u.id(), u.kind(), u.name(), List.of());
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
                case GetStep get -> new PlanNode.Get(nextId(), get, null, effective(get.tags(), tags));
                case PutStep put -> put(put, effective(put.tags(), tags));
                case SetPipelineStep sp -> new PlanNode.SetPipeline(nextId(), sp);
                case LoadVarStep lv -> new PlanNode.LoadVar(nextId(), lv);
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
                    yield new PlanNode.Across(nextId(), a, template, tags);
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
            return new PlanNode.Unsupported(nextId(), kind, name, step);
        }

        /**
         * A put, and unless {@code no_get} the get of the version it created, as Concourse's
         * {@code VisitPut}: same name, resource, tags and timeout, {@code get_params} as params.
         */
        private PlanNode put(PutStep put, List<String> tags) {
            PlanNode putNode = new PlanNode.Put(nextId(), put, tags);
            if (put.noGet()) {
                return putNode;
            }
            GetStep get = new GetStep(put.name(), put.resourceName(), null, put.getParams(), List.of(), false,
                    put.tags(), put.timeout());
            PlanNode getNode = new PlanNode.Get(nextId(), get, putNode.id(), tags);
            return new PlanNode.Hook(nextId(), HookKind.ON_SUCCESS, putNode, getNode);
        }
    }
}
