package dev.concourse.internal.config.validate;

import static dev.concourse.internal.config.validate.Findings.nz;

import dev.concourse.config.AcrossStep;
import dev.concourse.config.AcrossVar;
import dev.concourse.config.DoStep;
import dev.concourse.config.GetStep;
import dev.concourse.config.HookStep;
import dev.concourse.config.InParallelStep;
import dev.concourse.config.JobConfig;
import dev.concourse.config.LoadVarStep;
import dev.concourse.config.PipelineConfig;
import dev.concourse.config.PutStep;
import dev.concourse.config.RetryStep;
import dev.concourse.config.RunStep;
import dev.concourse.config.SetPipelineStep;
import dev.concourse.config.SourceLocation;
import dev.concourse.config.Step;
import dev.concourse.config.TaskStep;
import dev.concourse.config.TimeoutStep;
import dev.concourse.config.TryStep;
import dev.concourse.internal.config.GoDuration;
import dev.concourse.internal.config.SourceIndex;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The steps of one job, as Concourse's {@code StepValidator} ({@code atc/step_validator.go})
 * checks them. The path of each finding is built the same way, segment by segment:
 * {@code jobs.unit} + {@code .plan} + {@code .do} + {@code [0]} + {@code .get(repo)}.
 */
final class StepValidator {
    private final PipelineConfig config;
    private final JobGraph jobs;
    private final Set<String> resourceNames;
    private final SourceIndex sources;
    private final Findings findings;
    private final List<String> context = new ArrayList<>();
    private final Set<String> seenGetNames = new HashSet<>();
    private final Deque<Set<String>> localVarScopes = new ArrayDeque<>();

    StepValidator(PipelineConfig config, JobGraph jobs, Set<String> resourceNames, SourceIndex sources,
            Findings findings, String jobIdentifier) {
        this.config = config;
        this.jobs = jobs;
        this.resourceNames = resourceNames;
        this.sources = sources;
        this.findings = findings;
        context.add(jobIdentifier);
        context.add(".plan");
        localVarScopes.push(new HashSet<>());
    }

    void validate(Step step) {
        switch (step) {
            case TaskStep s -> visitTask(s);
            case GetStep s -> visitGet(s);
            case PutStep s -> visitPut(s);
            case RunStep s -> visitRun(s);
            case SetPipelineStep s -> visitSetPipeline(s);
            case LoadVarStep s -> visitLoadVar(s);
            case TryStep s -> {
                push(".try");
                validate(s.step());
                pop();
            }
            case DoStep s -> {
                push(".do");
                for (int i = 0; i < s.steps().size(); i++) {
                    push("[" + i + "]");
                    validate(s.steps().get(i));
                    pop();
                }
                pop();
            }
            case InParallelStep s -> {
                push(".in_parallel");
                for (int i = 0; i < s.steps().size(); i++) {
                    push(".steps[" + i + "]");
                    validate(s.steps().get(i));
                    pop();
                }
                pop();
            }
            case AcrossStep s -> visitAcross(s);
            case TimeoutStep s -> {
                validate(s.step());
                push(".timeout");
                if (!Durations.hasVar(s.duration()) && !GoDuration.isValid(s.duration())) {
                    error(Durations.TYPE, sources.locate(s, "timeout"), "invalid duration '" + nz(s.duration()) + "'");
                }
                pop();
            }
            case RetryStep s -> {
                validate(s.step());
                push(".attempts");
                if (s.attempts() <= 0) {
                    error("invalid_attempts", sources.locate(s, "attempts"), "must be greater than 0");
                }
                pop();
            }
            case HookStep s -> {
                validate(s.step());
                push("." + s.kind().key());
                validate(s.hook());
                pop();
            }
        }
    }

    private void visitTask(TaskStep task) {
        push(".task(" + nz(task.name()) + ")");
        identifier(task.name(), sources.locate(task, "task"), false);
        if (task.config() == null && nz(task.file()).isEmpty()) {
            error("invalid_task", sources.locate(task), "must specify either `file:` or `config:`");
        }
        if (task.config() != null && !nz(task.file()).isEmpty()) {
            error("invalid_task", sources.locate(task, "file"), "must specify one of `file:` or `config:`, not both");
        }
        if (task.config() != null && (!nz(task.config().rootfsUri()).isEmpty() || task.config().imageResource() != null)
                && !nz(task.image()).isEmpty()) {
            warning("pipeline", sources.locate(task, "image"), "specifies image: on the step but also specifies an "
                    + "image under config: - the image: on the step takes precedence");
        }
        if (task.hermetic()) {
            warning("pipeline", sources.locate(task, "hermetic"),
                    "specifies `hermetic:` only works against worker containerd runtime");
        }
        if (task.config() != null) {
            findings.addAll(TaskConfigValidator.validate(task.config(), sources, path() + ".config"));
        }
        stepTimeout(task, task.timeout());
        pop();
    }

    private void visitGet(GetStep get) {
        push(".get(" + nz(get.name()) + ")");
        identifier(get.name(), sources.locate(get, "get"), false);
        if (!seenGetNames.add(nz(get.name()))) {
            error("duplicate_name", sources.locate(get, "get"), "repeated name");
        }
        String resourceName = nz(get.resourceName());
        SourceLocation resourceAt = sources.locate(get, nz(get.resource()).isEmpty() ? "get" : "resource");
        if (!resourceExists(resourceName)) {
            error("unknown_resource", resourceAt, "unknown resource '" + resourceName + "'");
        }

        push(".passed");
        for (int i = 0; i < get.passed().size(); i++) {
            String jobGlob = get.passed().get(i);
            SourceLocation at = sources.locate(get, "passed[" + i + "]");
            List<JobConfig> matching = jobs.matching(jobGlob);
            for (JobConfig job : matching) {
                if (!jobs.interactsWith(job, resourceName)) {
                    error("invalid_passed", at,
                            "job '" + nz(job.name()) + "' does not interact with resource '" + resourceName + "'");
                }
            }
            if (matching.isEmpty()) {
                error("invalid_passed", at, "no matching job(s) for '" + jobGlob + "'");
            }
        }
        pop();
        stepTimeout(get, get.timeout());
        pop();
    }

    private void visitPut(PutStep put) {
        push(".put(" + nz(put.name()) + ")");
        identifier(put.name(), sources.locate(put, "put"), false);
        String resourceName = nz(put.resourceName());
        if (!resourceExists(resourceName)) {
            error("unknown_resource", sources.locate(put, nz(put.resource()).isEmpty() ? "put" : "resource"),
                    "unknown resource '" + resourceName + "'");
        }
        stepTimeout(put, put.timeout());
        pop();
    }

    private void visitRun(RunStep run) {
        push(".run(" + nz(run.type()) + "." + nz(run.message()) + ")");
        // Concourse errors rather than warns here so that prototypes never get invalid message names.
        identifier(run.message(), sources.locate(run, "run"), true);
        boolean found = config.prototypes().stream().anyMatch(p -> nz(p.name()).equals(nz(run.type())));
        if (!found) {
            error("unknown_prototype", sources.locate(run, "type"), "unknown prototype '" + nz(run.type()) + "'");
        }
        stepTimeout(run, run.timeout());
        pop();
    }

    private void visitSetPipeline(SetPipelineStep step) {
        push(".set_pipeline(" + nz(step.name()) + ")");
        identifier(step.name(), sources.locate(step, "set_pipeline"), false);
        if (nz(step.file()).isEmpty()) {
            error("missing_file", sources.locate(step), "no file specified");
        }
        pop();
    }

    private void visitLoadVar(LoadVarStep step) {
        push(".load_var(" + nz(step.name()) + ")");
        identifier(step.name(), sources.locate(step, "load_var"), false);
        declareLocalVar(step.name(), sources.locate(step, "load_var"));
        if (nz(step.file()).isEmpty()) {
            error("missing_file", sources.locate(step), "no file specified");
        }
        pop();
    }

    private void visitAcross(AcrossStep across) {
        push(".across");
        localVarScopes.push(new HashSet<>());
        if (across.vars().isEmpty()) {
            error("invalid_across", sources.locate(across, "across"), "no vars specified");
        }
        for (int i = 0; i < across.vars().size(); i++) {
            AcrossVar acrossVar = across.vars().get(i);
            push("[" + i + "]");
            declareLocalVar(acrossVar.var(), sources.locate(acrossVar, "var"));
            push(".max_in_flight");
            AcrossVar.MaxInFlight maxInFlight = acrossVar.maxInFlight();
            if (maxInFlight != null && !maxInFlight.all() && maxInFlight.limit() <= 0) {
                error("invalid_across", sources.locate(acrossVar, "max_in_flight"), "must be greater than 0");
            }
            pop();
            pop();
        }
        validate(across.step());
        localVarScopes.pop();
        pop();
    }

    /** Our addition: Concourse only finds a bad get/put/task/run timeout when the step runs. */
    private void stepTimeout(Step step, String timeout) {
        if (timeout == null || timeout.isEmpty() || Durations.hasVar(timeout) || GoDuration.isValid(timeout)) {
            return;
        }
        push(".timeout");
        error(Durations.TYPE, sources.locate(step, "timeout"), "invalid duration '" + timeout + "'");
        pop();
    }

    private boolean resourceExists(String name) {
        return resourceNames.contains(name);
    }

    private void declareLocalVar(String name, SourceLocation location) {
        String var = nz(name);
        if (localVarScopes.peek().contains(var)) {
            error("duplicate_var", location, "repeated var name");
        } else if (localVarScopes.stream().anyMatch(scope -> scope.contains(var))) {
            warning("var_shadowed", location, "shadows local var '" + var + "'");
        }
        localVarScopes.peek().add(var);
    }

    private void identifier(String name, SourceLocation location, boolean warningsAreErrors) {
        Identifiers.Problem problem = Identifiers.check(name, context);
        if (problem == null) {
            return;
        }
        if (problem.isError() || warningsAreErrors) {
            error(Identifiers.TYPE, location, problem.message());
        } else {
            warning(Identifiers.TYPE, location, problem.message());
        }
    }

    private void error(String type, SourceLocation location, String message) {
        findings.error(type, path(), location, message);
    }

    private void warning(String type, SourceLocation location, String message) {
        findings.warning(type, path(), location, message);
    }

    private String path() {
        return String.join("", context);
    }

    private void push(String segment) {
        context.add(segment);
    }

    private void pop() {
        context.remove(context.size() - 1);
    }
}
