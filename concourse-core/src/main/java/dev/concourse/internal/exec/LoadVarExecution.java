package dev.concourse.internal.exec;

import dev.concourse.config.LoadVarStep;
import dev.concourse.event.BuildEvent;
import dev.concourse.event.Origin;
import dev.concourse.internal.vars.GoYaml;
import dev.concourse.internal.vars.GoYamlException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * One run of a {@code load_var} step ({@code atc/exec/load_var_step.go}): emits
 * {@code initialize}, interpolates {@code file} and {@code format} with the build's vars, emits
 * {@code start}, reads the file from its artifact, parses it, sets {@code ((.:name))} in the
 * scope the step runs in (tracked as a secret unless {@code reveal: true}), prints what it did
 * and emits {@code finish}. Problems emit an {@code error} event and error the step.
 *
 * <p>Formats: {@code json} (numbers kept as written: integers and {@link java.math.BigDecimal}s;
 * nothing may follow the value), {@code yaml}/{@code yml} (as Concourse's {@code sigs.k8s.io/yaml}:
 * YAML 1.1 types, then JSON values), {@code trim} (the text without surrounding whitespace) and
 * {@code raw} (the text as it is). Without {@code format}, the file's extension chooses one of them
 * if it names one, else {@code trim}.
 */
final class LoadVarExecution {
    /** Files are read into memory; larger ones are a mistake (a var is not a data set). */
    static final int MAX_FILE_BYTES = 16 * 1024 * 1024;
    private static final Set<String> FORMATS = Set.of("json", "yaml", "yml", "trim", "raw");
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final RunContext run;
    private final PlanNode.LoadVar node;
    private final LoadVarStep step;

    LoadVarExecution(RunContext run, PlanNode.LoadVar node) {
        this.run = run;
        this.node = node;
        this.step = node.step();
    }

    Result run(Cancellation ctx) {
        if (ctx.isCancelled()) {
            return Result.cancelled(ctx.cause().orElseThrow());
        }
        Origin origin = Origin.of(node.id());
        LogStream stdout = new LogStream(run, node.id(), Origin.Source.STDOUT);
        try {
            run.emit(new BuildEvent.Initialize(run.now(), origin));
            String label = "load_var(" + step.name() + ")";
            String file = StepVars.string(run, step.file(), "the file of " + label);
            String format = StepVars.string(run, step.format(), "the format of " + label);
            run.emit(new BuildEvent.Start(run.now(), origin));
            String chosen = format(file, format);
            byte[] content = ArtifactFiles.fromArtifact(run, file, MAX_FILE_BYTES, label);
            Object value = parse(content, chosen, file);
            stdout.print("var " + step.name() + " fetched.\n");
            run.vars.set(step.name(), value, !step.reveal());
            stdout.print("added var " + step.name() + " to build.\n");
            stdout.close();
            run.emit(new BuildEvent.Finish(run.now(), origin, true));
            return Result.SUCCEEDED;
        } catch (StepFailure e) {
            stdout.close();
            run.errored(node.id(), e.getMessage());
            return Result.error(StepError.message(e.getMessage()));
        } finally {
            stdout.close();
        }
    }


    /** The explicit format if valid, else the file's extension if it is a format, else {@code trim}. */
    static String format(String file, String format) {
        if (format != null && !format.isEmpty()) {
            if (!FORMATS.contains(format)) {
                throw new StepFailure("invalid format " + format + "; use one of json, yaml, yml, trim, raw");
            }
            return format;
        }
        String name = file == null ? "" : file.substring(file.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        String extension = dot < 0 ? "" : name.substring(dot + 1);
        return FORMATS.contains(extension) ? extension : "trim";
    }

    /** The value of the file's content in the format, as Concourse's {@code fetchVars}. */
    static Object parse(byte[] content, String format, String file) {
        return switch (format) {
            case "json" -> {
                try {
                    yield JSON.readValue(content, Object.class);
                } catch (JacksonException e) {
                    throw invalid(file, "json", e.getOriginalMessage());
                }
            }
            case "yaml", "yml" -> {
                try {
                    yield GoYaml.parse(file, new String(content, StandardCharsets.UTF_8), true);
                } catch (GoYamlException e) {
                    throw invalid(file, "yaml", e.problem());
                }
            }
            case "trim" -> new String(content, StandardCharsets.UTF_8).strip();
            case "raw" -> new String(content, StandardCharsets.UTF_8);
            default -> throw new IllegalArgumentException("format " + format);
        };
    }

    private static StepFailure invalid(String file, String format, String problem) {
        return new StepFailure("failed to parse " + file + " in format " + format + ": " + problem
                + "; fix the file, or set the step's format (raw or trim read any text)");
    }
}
