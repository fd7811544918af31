package dev.concourse.internal.config.bind;

import dev.concourse.config.AcrossStep;
import dev.concourse.config.AcrossVar;
import dev.concourse.config.DoStep;
import dev.concourse.config.GetStep;
import dev.concourse.config.HookKind;
import dev.concourse.config.HookStep;
import dev.concourse.config.InParallelStep;
import dev.concourse.config.InputsConfig;
import dev.concourse.config.LoadVarStep;
import dev.concourse.config.PutStep;
import dev.concourse.config.RetryStep;
import dev.concourse.config.RunStep;
import dev.concourse.config.SetPipelineStep;
import dev.concourse.config.Step;
import dev.concourse.config.TaskStep;
import dev.concourse.config.TimeoutStep;
import dev.concourse.config.TryStep;
import dev.concourse.config.VersionConfig;
import dev.concourse.internal.config.yaml.YamlList;
import dev.concourse.internal.config.yaml.YamlMap;
import dev.concourse.internal.config.yaml.YamlNode;
import dev.concourse.internal.config.yaml.YamlScalar;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Binds steps with Concourse's key precedence: modifiers first ({@code ensure}, {@code on_error},
 * {@code on_abort}, {@code on_failure}, {@code on_success}, {@code across}, {@code attempts}),
 * then the first core step key ({@code run}, {@code task}, {@code put}, {@code get},
 * {@code timeout} (a modifier for the steps after it), {@code set_pipeline}, {@code load_var},
 * {@code try}, {@code do}, {@code in_parallel}). Keys left over are unknown fields.
 */
final class StepBinder {
    private static final List<String> PRECEDENCE = List.of(
            "ensure", "on_error", "on_abort", "on_failure", "on_success", "across", "attempts",
            "run", "task", "put", "get", "timeout", "set_pipeline", "load_var", "try", "do", "in_parallel");
    private static final Set<String> CORE = Set.of(
            "run", "task", "put", "get", "set_pipeline", "load_var", "try", "do", "in_parallel");
    private static final Map<String, List<String>> FIELDS = Map.ofEntries(
            Map.entry("across", List.of("across", "fail_fast")),
            Map.entry("get", List.of("get", "resource", "version", "params", "passed", "trigger", "tags", "timeout")),
            Map.entry("put", List.of("put", "resource", "params", "inputs", "tags", "get_params", "timeout", "no_get")),
            Map.entry("task", List.of("task", "privileged", "hermetic", "file", "container_limits", "config", "params",
                    "vars", "tags", "input_mapping", "output_mapping", "image", "timeout")),
            Map.entry("run", List.of("run", "type", "params", "privileged", "tags", "container_limits", "timeout")),
            Map.entry("set_pipeline", List.of("set_pipeline", "file", "team", "vars", "var_files", "instance_vars")),
            Map.entry("load_var", List.of("load_var", "file", "format", "reveal")),
            Map.entry("do", List.of("do", "tags")),
            Map.entry("in_parallel", List.of("in_parallel", "tags")));
    private static final Set<String> ALL_KEYS;

    static {
        Set<String> all = new LinkedHashSet<>(PRECEDENCE);
        FIELDS.values().forEach(all::addAll);
        ALL_KEYS = Set.copyOf(all);
    }

    private final BindContext ctx;
    private final TaskConfigBinder tasks;

    StepBinder(BindContext ctx, TaskConfigBinder tasks) {
        this.ctx = ctx;
        this.tasks = tasks;
    }

    /** Binds each item of a list of steps; {@code path} names the list, such as {@code jobs.unit.plan}. */
    List<Step> steps(YamlNode node, String path) {
        if (node == null) {
            return List.of();
        }
        if (!(node instanceof YamlList list)) {
            ctx.error("invalid_type", path, node.location(), "expected a list of steps, not " + node.kind());
            return List.of();
        }
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
            Step step = step(list.items().get(i), path + "[" + i + "]");
            if (step != null) {
                steps.add(step);
            }
        }
        return steps;
    }

    /** Binds one step, or returns null after reporting why it cannot be bound. */
    Step step(YamlNode node, String path) {
        if (!(node instanceof YamlMap map)) {
            ctx.error("invalid_step", path, node == null ? dev.concourse.config.SourceLocation.ofFile(ctx.index.file()) : node.location(),
                    "a step must be a mapping such as {get: NAME} or {task: NAME, ...}, not "
                            + (node == null ? "nothing" : node.kind()));
            return null;
        }
        Set<String> remaining = new LinkedHashSet<>();
        map.entries().forEach(e -> remaining.add(e.key()));
        List<String> modifiers = new ArrayList<>();
        String core = null;
        for (String key : PRECEDENCE) {
            if (!remaining.contains(key)) {
                continue;
            }
            remaining.removeAll(FIELDS.getOrDefault(key, List.of(key)));
            if (CORE.contains(key)) {
                core = key;
                break;
            }
            modifiers.add(key);
        }
        if (modifiers.isEmpty() && core == null) {
            String suggestion = map.entries().stream().findFirst()
                    .map(e -> DidYouMean.suggest(e.key(), PRECEDENCE)).orElse("");
            ctx.error("invalid_step", path, map.location(), "no step configured" + suggestion
                    + "; a step needs one of: get, put, task, set_pipeline, load_var, in_parallel, do, try");
            return null;
        }
        if (core == null) {
            ctx.error("invalid_step", path, map.location(),
                    "no core step type declared (e.g. get, put, task, etc.) next to " + String.join(", ", modifiers));
            return null;
        }
        String stepPath = path + "." + label(core, map);
        reportLeftovers(map, remaining, core, stepPath);
        Step step = core(core, map, stepPath);
        if (step == null) {
            return null;
        }
        for (int i = modifiers.size() - 1; i >= 0; i--) {
            step = modifier(modifiers.get(i), map, step, stepPath);
        }
        return step;
    }

    private String label(String core, YamlMap map) {
        YamlNode name = map.get(core);
        if (name instanceof YamlScalar s && s.value() instanceof String text
                && !core.equals("try") && !core.equals("do") && !core.equals("in_parallel")) {
            return core + "(" + text + ")";
        }
        return core;
    }

    private void reportLeftovers(YamlMap map, Set<String> remaining, String core, String path) {
        for (String key : remaining) {
            YamlMap.Entry e = map.entry(key);
            String message;
            if (CORE.contains(key)) {
                message = "a step can only have one of get, put, task, run, set_pipeline, load_var, try, do, in_parallel;"
                        + " found both '" + core + "' and '" + key + "' (split them into two steps)";
            } else {
                List<String> known = new ArrayList<>(FIELDS.getOrDefault(core, List.of(core)));
                known.addAll(PRECEDENCE);
                message = "unknown field '" + key + "'" + DidYouMean.suggest(key, known);
            }
            ctx.error("unknown_field", path, e.keyLocation(), message);
        }
    }

    private Step core(String core, YamlMap map, String path) {
        Fields f = new Fields(map, path, ctx, ALL_KEYS);
        Step step = switch (core) {
            case "get" -> new GetStep(f.string("get"), f.string("resource"), version(f), f.object("params"),
                    f.strings("passed"), f.bool("trigger"), f.strings("tags"), f.string("timeout"));
            case "put" -> new PutStep(f.string("put"), f.string("resource"), f.object("params"), inputs(f),
                    f.strings("tags"), f.object("get_params"), f.string("timeout"), f.bool("no_get"));
            case "task" -> new TaskStep(f.string("task"), f.bool("privileged"), f.bool("hermetic"), f.string("file"),
                    tasks.limits(f, "container_limits"), taskConfig(f), f.env("params"), f.object("vars"),
                    f.strings("tags"), f.stringMap("input_mapping"), f.stringMap("output_mapping"), f.string("image"),
                    f.string("timeout"));
            case "run" -> new RunStep(f.string("run"), f.string("type"), f.object("params"), f.bool("privileged"),
                    f.strings("tags"), tasks.limits(f, "container_limits"), f.string("timeout"));
            case "set_pipeline" -> new SetPipelineStep(f.string("set_pipeline"), f.string("file"), f.string("team"),
                    f.object("vars"), f.strings("var_files"), f.object("instance_vars"));
            case "load_var" -> new LoadVarStep(f.string("load_var"), f.string("file"), f.string("format"), f.bool("reveal"));
            case "do" -> new DoStep(steps(f.node("do"), path), f.strings("tags"));
            case "try" -> tryStep(f, path);
            case "in_parallel" -> inParallel(f, path);
            default -> throw new IllegalStateException("not a core step: " + core);
        };
        if (step != null) {
            f.register(step);
        }
        return step;
    }

    private Step tryStep(Fields f, String path) {
        YamlNode inner = f.node("try");
        if (inner == null) {
            ctx.error("invalid_step", path, f.map().location(), "try needs a step to try");
            return null;
        }
        Step step = step(inner, path);
        return step == null ? null : new TryStep(step);
    }

    private Step inParallel(Fields f, String path) {
        YamlNode value = f.node("in_parallel");
        if (value instanceof YamlMap config) {
            Fields pf = new Fields(config, path, ctx, List.of("steps", "limit", "fail_fast"));
            InParallelStep step = new InParallelStep(steps(pf.node("steps"), path + ".steps"), pf.integer("limit"),
                    pf.bool("fail_fast"), f.strings("tags"));
            pf.finish(null);
            return step;
        }
        return new InParallelStep(steps(value, path), 0, false, f.strings("tags"));
    }

    private dev.concourse.config.TaskConfig taskConfig(Fields f) {
        YamlNode config = f.node("config");
        return config == null ? null : tasks.config(config, f.pathOf("config"));
    }

    private VersionConfig version(Fields f) {
        YamlNode node = f.node("version");
        if (node == null) {
            return null;
        }
        if (node instanceof YamlScalar s && s.value() instanceof String text) {
            return switch (text) {
                case "latest" -> VersionConfig.LATEST;
                case "every" -> VersionConfig.EVERY;
                default -> {
                    ctx.warn("invalid_version", f.pathOf("version"), node.location(), "version '" + text
                            + "' is neither 'latest' nor 'every' nor a mapping of version fields; it is treated as 'latest'");
                    yield VersionConfig.LATEST;
                }
            };
        }
        if (node instanceof YamlMap) {
            return VersionConfig.pinned(f.stringMap("version"));
        }
        f.wrongType("version", node, "'latest', 'every' or a mapping of version fields");
        return null;
    }

    private InputsConfig inputs(Fields f) {
        YamlNode node = f.node("inputs");
        if (node == null) {
            return null;
        }
        if (node instanceof YamlScalar s && s.value() instanceof String text) {
            return switch (text) {
                case "all" -> InputsConfig.ALL;
                case "detect" -> InputsConfig.DETECT;
                default -> {
                    ctx.error("invalid_value", f.pathOf("inputs"), node.location(),
                            "inputs must be 'all', 'detect' or a list of artifact names, not '" + text + "'");
                    yield null;
                }
            };
        }
        if (node instanceof YamlList) {
            return InputsConfig.of(f.strings("inputs").stream().map(String::strip).toList());
        }
        f.wrongType("inputs", node, "'all', 'detect' or a list of artifact names");
        return null;
    }

    private Step modifier(String key, YamlMap map, Step inner, String path) {
        Fields f = new Fields(map, path, ctx, ALL_KEYS);
        Step step = switch (key) {
            case "across" -> new AcrossStep(inner, acrossVars(f), f.bool("fail_fast"));
            case "attempts" -> new RetryStep(inner, f.integer("attempts"));
            case "timeout" -> new TimeoutStep(inner, f.string("timeout"));
            default -> hook(key, f, inner, path);
        };
        f.register(step);
        return step;
    }

    private Step hook(String key, Fields f, Step inner, String path) {
        HookKind kind = switch (key) {
            case "on_success" -> HookKind.ON_SUCCESS;
            case "on_failure" -> HookKind.ON_FAILURE;
            case "on_error" -> HookKind.ON_ERROR;
            case "on_abort" -> HookKind.ON_ABORT;
            case "ensure" -> HookKind.ENSURE;
            default -> throw new IllegalStateException("not a modifier: " + key);
        };
        Step hook = step(f.node(key), path + "." + key);
        return hook == null ? inner : new HookStep(inner, kind, hook);
    }

    private List<AcrossVar> acrossVars(Fields f) {
        YamlNode node = f.node("across");
        if (!(node instanceof YamlList list)) {
            if (node != null) {
                f.wrongType("across", node, "a list of {var, values, max_in_flight}");
            }
            return List.of();
        }
        List<AcrossVar> vars = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
            YamlNode item = list.items().get(i);
            String itemPath = f.pathOf("across") + "[" + i + "]";
            if (!(item instanceof YamlMap m)) {
                ctx.error("invalid_type", itemPath, item.location(), "expected {var, values, max_in_flight}, not " + item.kind());
                continue;
            }
            Fields vf = new Fields(m, itemPath, ctx, List.of("var", "values", "max_in_flight"));
            AcrossVar var = new AcrossVar(vf.string("var"), vf.plain("values"), maxInFlight(vf));
            vf.finish(var);
            vars.add(var);
        }
        return vars;
    }

    private AcrossVar.MaxInFlight maxInFlight(Fields f) {
        YamlNode node = f.node("max_in_flight");
        if (node == null) {
            return null;
        }
        if (node instanceof YamlScalar s && "all".equals(s.value())) {
            return AcrossVar.MaxInFlight.ALL;
        }
        if (node instanceof YamlScalar s && s.value() instanceof String text) {
            ctx.error("invalid_value", f.pathOf("max_in_flight"), node.location(),
                    "invalid max_in_flight \"" + text + "\": use a number or 'all'");
            return null;
        }
        return AcrossVar.MaxInFlight.of(f.integer("max_in_flight"));
    }
}
