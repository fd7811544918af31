package dev.concourse.internal.exec;

import dev.concourse.ConcourseException;
import dev.concourse.PipelineRef;
import dev.concourse.config.ConfigFinding;
import dev.concourse.config.LoadResult;
import dev.concourse.config.PipelineConfig;
import dev.concourse.config.PipelineLoader;
import dev.concourse.config.SetPipelineStep;
import dev.concourse.event.BuildEvent;
import dev.concourse.event.Origin;
import dev.concourse.vars.MultiVariables;
import dev.concourse.vars.StaticVariables;
import dev.concourse.vars.Variables;
import dev.concourse.vars.VarsException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run of a {@code set_pipeline} step ({@code atc/exec/set_pipeline_step.go}):
 * <ol>
 *   <li>{@code initialize}; {@code file}, {@code team}, {@code vars}, {@code var_files} and
 *       {@code instance_vars} are interpolated with the build's vars (the name is not, as in
 *       Concourse); {@code self} means the build's own pipeline with its instance vars, in its
 *       team;</li>
 *   <li>a name or team with {@code /} fails the step; a missing file or artifact errors it;</li>
 *   <li>{@code start}; the file is interpolated with the instance vars, then {@code vars}, then
 *       the var files in order (vars given by none stay as {@code ((name))} for the child
 *       pipeline's builds), and validated: warnings go to stderr, an unreadable var file, a
 *       pipeline that does not parse or has validation errors fails the step with the findings on
 *       stderr;</li>
 *   <li>the engine saves it ({@link PipelineSetter}): {@code set-pipeline-changed} says whether
 *       the config changed; {@code finish}.</li>
 * </ol>
 * A team that does not exist or may not be written errors the step.
 */
final class SetPipelineExecution {
    static final int MAX_FILE_BYTES = 16 * 1024 * 1024;

    private final RunContext run;
    private final PlanNode.SetPipeline node;
    private final SetPipelineStep step;
    private final Origin origin;
    private final LogStream stdout;
    private final LogStream stderr;

    SetPipelineExecution(RunContext run, PlanNode.SetPipeline node) {
        this.run = run;
        this.node = node;
        this.step = node.step();
        this.origin = Origin.of(node.id());
        this.stdout = new LogStream(run, node.id(), Origin.Source.STDOUT);
        this.stderr = new LogStream(run, node.id(), Origin.Source.STDERR);
    }

    Result run(Cancellation ctx) {
        if (ctx.isCancelled()) {
            return Result.cancelled(ctx.cause().orElseThrow());
        }
        try {
            return execute();
        } catch (StepFailure e) {
            return errored(e.getMessage());
        } catch (ConcourseException e) {
            return errored("set_pipeline(" + step.name() + "): " + e.getMessage());
        } finally {
            stdout.close();
            stderr.close();
        }
    }

    private Result execute() {
        run.emit(new BuildEvent.Initialize(run.now(), origin));
        String label = "set_pipeline(" + step.name() + ")";
        Interpolated plan = interpolate(label);

        String name = step.name();
        String team = plan.team();
        Map<String, Object> instanceVars = plan.instanceVars();
        if ("self".equals(name)) {
            if (run.meta.pipeline() == null) {
                throw new StepFailure(label + ": 'self' is the pipeline of the build, and " + run.meta.describe()
                        + " has none; name the pipeline to set");
            }
            name = run.meta.pipeline();
            instanceVars = run.meta.pipelineInstanceVars();
            team = null;
        }
        if (name.contains("/")) {
            return failed("ERROR: pipeline name cannot contain '/'\n");
        }
        if (team != null && team.contains("/")) {
            return failed("ERROR: team name cannot contain '/'\n");
        }
        if (plan.file() == null || plan.file().isEmpty()) {
            throw new StepFailure(label + ": file is not specified; give the path of the pipeline file as "
                    + "ARTIFACT/PATH");
        }
        byte[] bits = ArtifactFiles.fromArtifact(run, plan.file(), MAX_FILE_BYTES, label);
        run.emit(new BuildEvent.Start(run.now(), origin));

        PipelineRef ref = new PipelineRef(team == null ? run.meta.team() : team, name, instanceVars);
        List<Variables> layers = new ArrayList<>();
        layers.add(StaticVariables.of(plan.vars()));
        for (String varFile : plan.varFiles()) {
            byte[] content;
            try {
                content = ArtifactFiles.fromArtifact(run, varFile, MAX_FILE_BYTES, label);
                layers.add(StaticVariables.fromYaml(varFile, new String(content, StandardCharsets.UTF_8)));
            } catch (StepFailure | VarsException e) {
                return failed("error parsing pipeline:\n" + e.getMessage() + "\n");
            }
        }
        LoadResult<PipelineConfig> loaded = PipelineLoader.create()
                .withVariables(MultiVariables.of(layers))
                .withInstanceVars(instanceVars)
                .reportUnusedVars(false)
                .load(plan.file(), new String(bits, StandardCharsets.UTF_8));
        for (ConfigFinding warning : loaded.warnings()) {
            stderr.print("WARNING: " + warning.describe() + "\n");
        }
        if (!loaded.isValid()) {
            StringBuilder out = new StringBuilder("invalid pipeline:\n");
            loaded.errors().forEach(e -> out.append("- ").append(e).append('\n'));
            return failed(out.toString());
        }

        PipelineSetter.Outcome outcome = run.env.pipelines().set(run.meta, team, name, instanceVars,
                loaded.orThrow());
        switch (outcome) {
            case UNCHANGED -> {
                stdout.print("no changes to apply.\n");
                run.emit(new BuildEvent.SetPipelineChanged(run.now(), origin, false));
            }
            case SAVED -> {
                stdout.print("setting pipeline: " + ref + "\n");
                run.emit(new BuildEvent.SetPipelineChanged(run.now(), origin, true));
                stdout.print("done\n");
            }
            case SET_BY_NEWER_BUILD -> {
                stdout.print("setting pipeline: " + ref + "\n");
                run.emit(new BuildEvent.SetPipelineChanged(run.now(), origin, true));
                stderr.print("\u001b[1;33mWARNING: the pipeline was not saved because it was already saved by a "
                        + "newer build\u001b[0m\n");
            }
        }
        closeStreams();
        run.emit(new BuildEvent.Finish(run.now(), origin, true));
        return Result.SUCCEEDED;
    }

    /** The plan's fields after interpolation (Concourse's {@code creds.NewSetPipelinePlan}). */
    private record Interpolated(String file, String team, Map<String, Object> vars, List<String> varFiles,
            Map<String, Object> instanceVars) {
    }

    private Interpolated interpolate(String label) {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("file", step.file());
        tree.put("team", step.team());
        tree.put("vars", step.vars());
        tree.put("var_files", step.varFiles());
        tree.put("instance_vars", step.instanceVars());
        Map<?, ?> out = (Map<?, ?>) StepVars.tree(run, tree, "the fields of " + label);
        List<String> varFiles = new ArrayList<>();
        if (out.get("var_files") instanceof List<?> files) {
            for (Object file : files) {
                if (!(file instanceof String s)) {
                    throw new StepFailure(label + ": every var_files entry must be a path, got " + file);
                }
                varFiles.add(s);
            }
        }
        return new Interpolated(text(out.get("file"), "file", label), text(out.get("team"), "team", label),
                stringKeys(out.get("vars")), varFiles, stringKeys(out.get("instance_vars")));
    }

    private static String text(Object value, String field, String label) {
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw new StepFailure(label + ": " + field + " must be a string once its vars are interpolated");
    }

    private static Map<String, Object> stringKeys(Object value) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> out.put(String.valueOf(k), v));
        }
        return out;
    }

    /** Concourse prints these problems and fails the step ({@code Finished(false)}), not an error. */
    private Result failed(String message) {
        stderr.print(message);
        closeStreams();
        run.emit(new BuildEvent.Finish(run.now(), origin, false));
        return Result.FAILED;
    }

    private Result errored(String message) {
        closeStreams();
        run.errored(node.id(), message);
        return Result.error(StepError.message(message));
    }

    private void closeStreams() {
        stdout.close();
        stderr.close();
    }

}
