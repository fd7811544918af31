package dev.concourse.internal.exec;

import dev.concourse.config.AcrossVar;
import dev.concourse.config.Step;
import dev.concourse.event.BuildEvent;
import dev.concourse.event.Origin;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run of an {@code across} step ({@code atc/exec/across_step.go}):
 * <ol>
 *   <li>{@code initialize}, {@code start}; a var that shadows a local var of the scope gets a
 *       warning on stderr;</li>
 *   <li>each var's {@code values} are interpolated with the build's vars (a {@code ((var))} must
 *       give a list);</li>
 *   <li>the combinations are the cartesian product in Concourse's order (the last var changes
 *       fastest); substep {@code i} is the wrapped step with {@code ((.:var))} written in and ids
 *       {@code <id>/<i>/<n>}; {@code across-substeps} announces them;</li>
 *   <li>they run as nested parallel executors, one level per var, each level limited by its var's
 *       {@code max_in_flight} (1 by default, {@code all} for every value), {@code fail_fast}
 *       applying at every level; each substep runs in a child scope where the vars are local vars
 *       (not secrets: Concourse shows them in the UI);</li>
 *   <li>{@code finish} with whether all succeeded; when a substep errored or the step was
 *       cancelled, an {@code error} event as Concourse's {@code LogErrorStep} emits it, and no
 *       {@code finish}.</li>
 * </ol>
 */
final class AcrossExecution {
    private final RunContext run;
    private final PlanNode.Across node;
    private final ParallelSteps parallel;
    private final Origin origin;

    AcrossExecution(RunContext run, PlanNode.Across node, ParallelSteps parallel) {
        this.run = run;
        this.node = node;
        this.parallel = parallel;
        this.origin = Origin.of(node.id());
    }

    Result run(Cancellation ctx) {
        if (ctx.isCancelled()) {
            return Result.cancelled(ctx.cause().orElseThrow());
        }
        List<AcrossVar> vars = node.step().vars();
        if (vars.isEmpty()) {
            String message = "across needs at least one var; give it a list of {var, values}";
            run.errored(node.id(), message);
            return Result.error(StepError.message(message));
        }
        List<List<Object>> combinations;
        List<PlanNode> substeps = new ArrayList<>();
        List<List<Object>> values = new ArrayList<>();
        LogStream stderr = new LogStream(run, node.id(), Origin.Source.STDERR);
        try {
            run.emit(new BuildEvent.Initialize(run.now(), origin));
            run.emit(new BuildEvent.Start(run.now(), origin));
            for (AcrossVar var : vars) {
                if (run.vars.local(var.var()).isPresent()) {
                    stderr.print("\u001b[1;33mWARNING: across step shadows local var '" + var.var() + "'\u001b[0m\n");
                }
                values.add(values(var));
            }
            combinations = cartesianProduct(values);
            List<BuildEvent.AcrossSubsteps.Substep> announced = new ArrayList<>();
            for (int i = 0; i < combinations.size(); i++) {
                Step step = StepTemplates.withValues(node.step().step(), locals(vars, combinations.get(i)));
                PlanNode planned = BuildPlanner.planSubstep(step, node.tags(), node.id(), i);
                substeps.add(planned);
                announced.add(new BuildEvent.AcrossSubsteps.Substep(BuildPlanner.describe(planned),
                        combinations.get(i)));
            }
            stderr.close();
            run.emit(new BuildEvent.AcrossSubsteps(run.now(), origin, announced));
        } catch (StepFailure e) {
            stderr.close();
            run.errored(node.id(), e.getMessage());
            return Result.error(StepError.message(e.getMessage()));
        } finally {
            stderr.close();
        }

        Result result = level(0, substeps, combinations, values, ctx);
        if (result.hasError()) {
            run.errored(node.id(), result.error().toString());
            return result;
        }
        run.emit(new BuildEvent.Finish(run.now(), origin, result.ok()));
        return result;
    }

    /** Concourse's {@code acrossStepExecutor}: one parallel executor per var, nested. */
    private Result level(int varIndex, List<PlanNode> steps, List<List<Object>> combinations,
            List<List<Object>> values, Cancellation ctx) {
        List<AcrossVar> vars = node.step().vars();
        AcrossVar var = vars.get(varIndex);
        if (varIndex == vars.size() - 1) {
            return parallel.run("across", node.id(), steps.size(), limit(var, steps.size()), node.step().failFast(),
                    (i, branch) -> leaf(steps.get(i), combinations.get(i), branch), ctx);
        }
        int perValue = 1;
        for (int i = varIndex + 1; i < vars.size(); i++) {
            perValue *= values.get(i).size();
        }
        int stepsPerValue = perValue;
        int count = values.get(varIndex).size();
        return parallel.run("across", node.id(), count, limit(var, count), node.step().failFast(),
                (i, branch) -> level(varIndex + 1, steps.subList(i * stepsPerValue, (i + 1) * stepsPerValue),
                        combinations.subList(i * stepsPerValue, (i + 1) * stepsPerValue), values, branch),
                ctx);
    }

    /** A substep in a scope of its own where the vars are local vars, not secrets. */
    private Result leaf(PlanNode step, List<Object> combination, Cancellation ctx) {
        BuildVariables scope = run.vars.child();
        List<AcrossVar> vars = node.step().vars();
        for (int j = 0; j < vars.size(); j++) {
            scope.set(vars.get(j).var(), combination.get(j), false);
        }
        return new StepRunner(run.withVars(scope)).runGuarded(step, ctx);
    }

    private static int limit(AcrossVar var, int count) {
        return var.maxInFlight() == null ? 1 : Math.max(1, var.maxInFlight().effectiveLimit(count));
    }

    private List<Object> values(AcrossVar var) {
        String what = "the values of across var '" + var.var() + "'";
        if (var.values() == null) {
            throw new StepFailure(what + " are missing; give a list, or a ((var)) that holds one");
        }
        Object evaluated = StepVars.tree(run, var.values(), what);
        if (!(evaluated instanceof List<?> list)) {
            throw new StepFailure(what + " must be a list, but " + (evaluated instanceof Map<?, ?> ? "a map"
                    : evaluated == null ? "null" : "'" + evaluated + "'") + " was given; write values: [a, b] or "
                    + "a ((var)) that holds a list");
        }
        return new ArrayList<>(list);
    }

    private static Map<String, Object> locals(List<AcrossVar> vars, List<Object> combination) {
        Map<String, Object> locals = new LinkedHashMap<>();
        for (int j = 0; j < vars.size(); j++) {
            locals.put(vars.get(j).var(), combination.get(j));
        }
        return locals;
    }

    /**
     * Concourse's {@code cartesianProduct}: {@code [[a1, a2], [b1], [c1, c2]]} gives
     * {@code [a1 b1 c1], [a1 b1 c2], [a2 b1 c1], [a2 b1 c2]}.
     */
    static List<List<Object>> cartesianProduct(List<List<Object>> values) {
        List<List<Object>> product = new ArrayList<>();
        product.add(List.of());
        for (List<Object> varValues : values) {
            List<List<Object>> next = new ArrayList<>();
            for (List<Object> prefix : product) {
                for (Object value : varValues) {
                    List<Object> combination = new ArrayList<>(prefix);
                    combination.add(value);
                    next.add(combination);
                }
            }
            product = next;
        }
        return product;
    }
}
