package dev.concourse.internal.config.read;

import dev.concourse.config.ConfigFinding;
import dev.concourse.config.ConfigFinding.Severity;
import dev.concourse.config.PipelineConfig;
import dev.concourse.config.SourceLocation;
import dev.concourse.config.TaskConfig;
import dev.concourse.internal.config.Frozen;
import dev.concourse.internal.config.SourceIndex;
import dev.concourse.internal.config.bind.ConfigBinder;
import dev.concourse.internal.config.validate.PipelineValidator;
import dev.concourse.internal.config.validate.TaskConfigValidator;
import dev.concourse.internal.config.yaml.JsonComposer;
import dev.concourse.internal.config.yaml.YamlComposer;
import dev.concourse.internal.config.yaml.YamlNode;
import dev.concourse.vars.Variables;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The reading pipeline shared by the public loaders: text, then nodes, then interpolation, then
 * binding, then validation. Each stage adds findings; a stage that cannot produce anything stops
 * the rest, and validation runs only on a model that bound without errors (a partly bound model
 * would give misleading findings, such as unused resources whose only step failed to bind).
 */
public final class ConfigReading {

    /**
     * Loader settings.
     *
     * @param variables        static vars, or null
     * @param instanceVars     instance vars, also used as vars
     * @param expectAllVars    missing vars are errors
     * @param reportUnusedVars given vars that are never used are warnings
     */
    public record Options(Variables variables, Map<String, Object> instanceVars, boolean expectAllVars,
            boolean reportUnusedVars) {
        public static final Options DEFAULT = new Options(null, Map.of(), false, true);

        public Options {
            instanceVars = Frozen.map(instanceVars);
        }

        public Options withVariables(Variables v) {
            return new Options(v, instanceVars, expectAllVars, reportUnusedVars);
        }

        public Options withInstanceVars(Map<String, ?> v) {
            return new Options(variables, Frozen.map(v), expectAllVars, reportUnusedVars);
        }

        public Options withExpectAllVars(boolean b) {
            return new Options(variables, instanceVars, b, reportUnusedVars);
        }

        public Options withReportUnusedVars(boolean b) {
            return new Options(variables, instanceVars, expectAllVars, b);
        }

        boolean interpolates() {
            return variables != null || !instanceVars.isEmpty() || expectAllVars;
        }
    }

    /**
     * What one read produced.
     *
     * @param source   the source name
     * @param config   the model, or null
     * @param findings everything found, sorted by position
     * @param <T>      the model type
     */
    public record Read<T>(String source, T config, List<ConfigFinding> findings) {
    }

    private ConfigReading() {
    }

    public static Read<PipelineConfig> pipeline(Path file, Options options) {
        return fromFile(file, (name, text) -> pipeline(name, text, isJson(file), options));
    }

    public static Read<PipelineConfig> pipeline(String source, String text, boolean json, Options options) {
        return read(source, text, json, options, ConfigBinder::pipeline, PipelineValidator::validate);
    }

    public static Read<TaskConfig> task(Path file, Options options) {
        return fromFile(file, (name, text) -> task(name, text, isJson(file), options));
    }

    public static Read<TaskConfig> task(String source, String text, boolean json, Options options) {
        return read(source, text, json, options, ConfigBinder::task,
                (config, index) -> TaskConfigValidator.validate(config, index, ""));
    }

    public static Read<PipelineConfig> validate(String source, PipelineConfig config) {
        return new Read<>(source, config, sorted(PipelineValidator.validate(config, SourceIndex.empty(source))));
    }

    private interface Binder<T> {
        ConfigBinder.Bound<T> bind(String source, YamlNode root);
    }

    private interface Validator<T> {
        List<ConfigFinding> validate(T config, SourceIndex index);
    }

    private static <T> Read<T> read(String source, String text, boolean json, Options options, Binder<T> binder,
            Validator<T> validator) {
        YamlComposer.Result composed = json ? JsonComposer.compose(source, text) : YamlComposer.compose(source, text);
        List<ConfigFinding> findings = new ArrayList<>(composed.findings());
        if (composed.failed()) {
            return new Read<>(source, null, sorted(findings));
        }
        YamlNode root = composed.root();
        if (options.interpolates()) {
            NodeInterpolation.Result interpolated = NodeInterpolation.apply(root, options);
            findings.addAll(interpolated.findings());
            if (interpolated.root() == null) {
                return new Read<>(source, null, sorted(findings));
            }
            root = interpolated.root();
        }
        ConfigBinder.Bound<T> bound = binder.bind(source, root);
        findings.addAll(bound.findings());
        if (bound.value() != null && bound.findings().stream().noneMatch(ConfigFinding::isError)) {
            findings.addAll(validator.validate(bound.value(), bound.index()));
        }
        return new Read<>(source, bound.value(), sorted(findings));
    }

    private static <T> Read<T> fromFile(Path file, BiFunction<String, String, Read<T>> parse) {
        String name = file.toString();
        try {
            byte[] bytes = Files.readAllBytes(file);
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes))
                    .toString();
            return parse.apply(name, text);
        } catch (NoSuchFileException e) {
            return failed(name, "file not found; check the path");
        } catch (CharacterCodingException e) {
            return failed(name, "the file is not UTF-8 text; save it as UTF-8");
        } catch (IOException e) {
            return failed(name, "cannot read the file: " + e.getMessage());
        }
    }

    private static <T> Read<T> failed(String name, String message) {
        return new Read<>(name, null, List.of(new ConfigFinding(Severity.ERROR, "unreadable", "",
                SourceLocation.ofFile(name), message)));
    }

    private static boolean isJson(Path file) {
        return file.getFileName() != null && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
    }

    /** Findings by line and column; a stable sort keeps the order of findings at the same place. */
    private static List<ConfigFinding> sorted(List<ConfigFinding> findings) {
        List<ConfigFinding> copy = new ArrayList<>(findings);
        copy.sort(Comparator.comparingInt((ConfigFinding f) -> f.location().line())
                .thenComparingInt(f -> f.location().column()));
        return List.copyOf(copy);
    }
}
