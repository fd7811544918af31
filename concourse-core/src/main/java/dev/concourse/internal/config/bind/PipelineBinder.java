package dev.concourse.internal.config.bind;

import dev.concourse.config.BuildLogRetention;
import dev.concourse.config.DisplayConfig;
import dev.concourse.config.GroupConfig;
import dev.concourse.config.JobConfig;
import dev.concourse.config.PipelineConfig;
import dev.concourse.config.PrototypeConfig;
import dev.concourse.config.ResourceConfig;
import dev.concourse.config.ResourceTypeConfig;
import dev.concourse.config.Step;
import dev.concourse.config.VarSourceConfig;
import dev.concourse.internal.config.yaml.YamlList;
import dev.concourse.internal.config.yaml.YamlMap;
import dev.concourse.internal.config.yaml.YamlNode;
import dev.concourse.internal.config.yaml.YamlScalar;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/** Binds the top level of a pipeline and everything but steps and task configs. */
final class PipelineBinder {
    private static final List<String> TOP = List.of("groups", "var_sources", "resources", "resource_types",
            "prototypes", "jobs", "display", "user_data");
    private static final List<String> RESOURCE = List.of("name", "old_name", "public", "webhook_token", "type",
            "source", "check_every", "check_timeout", "tags", "version", "icon", "expose_build_created_by");
    private static final List<String> TYPE = List.of("name", "type", "source", "defaults", "privileged",
            "check_every", "tags", "params");
    private static final List<String> JOB = List.of("name", "old_name", "public", "disable_manual_trigger",
            "disable_reruns", "serial", "interruptible", "serial_groups", "max_in_flight", "tags",
            "build_logs_to_retain", "build_log_retention", "on_success", "on_failure", "on_abort", "on_error",
            "ensure", "plan");

    private final BindContext ctx;
    private final StepBinder steps;

    PipelineBinder(BindContext ctx) {
        this.ctx = ctx;
        this.steps = new StepBinder(ctx, new TaskConfigBinder(ctx));
    }

    PipelineConfig pipeline(YamlNode root) {
        if (root instanceof YamlScalar s && s.isNull()) {
            PipelineConfig empty = new PipelineConfig(null, null, null, null, null, null, null, null);
            ctx.index.put(empty, root.location());
            return empty;
        }
        if (!(root instanceof YamlMap map)) {
            ctx.error("invalid_type", "", root.location(), "a pipeline must be a mapping with jobs, resources..., not "
                    + root.kind());
            return null;
        }
        Fields f = new Fields(map, "", ctx, TOP);
        PipelineConfig config = new PipelineConfig(
                list(f, "groups", this::group),
                list(f, "var_sources", this::varSource),
                list(f, "resources", this::resource),
                list(f, "resource_types", this::resourceType),
                list(f, "prototypes", this::prototype),
                list(f, "jobs", this::job),
                display(f),
                f.plain("user_data"));
        for (YamlMap.Entry e : map.entries()) {
            if (!TOP.contains(e.key())) {
                ctx.warn("unknown_field", "", e.keyLocation(), "unknown top-level key '" + e.key() + "'"
                        + DidYouMean.suggest(e.key(), TOP) + " is ignored (strict validation rejects it)");
            }
        }
        f.register(config);
        return config;
    }

    private <T> List<T> list(Fields f, String key, BiFunction<Fields, String, T> bind) {
        YamlNode node = f.node(key);
        if (node == null) {
            return List.of();
        }
        if (!(node instanceof YamlList list)) {
            f.wrongType(key, node, "a list");
            return List.of();
        }
        List<T> out = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
            YamlNode item = list.items().get(i);
            if (!(item instanceof YamlMap map)) {
                ctx.error("invalid_type", key + "[" + i + "]", item.location(), "expected a mapping, not " + item.kind());
                continue;
            }
            T value = bind.apply(new Fields(map, key + "." + nameOr(map, i), ctx, List.of()), key);
            if (value != null) {
                out.add(value);
            }
        }
        return out;
    }

    private static String nameOr(YamlMap map, int index) {
        YamlNode name = map.get("name");
        if (name instanceof YamlScalar s && s.value() instanceof String text && !text.isEmpty()) {
            return text;
        }
        return "[" + index + "]";
    }

    private Fields with(Fields f, List<String> keys) {
        return new Fields(f.map(), f.path(), ctx, keys);
    }

    private GroupConfig group(Fields raw, String key) {
        Fields f = with(raw, List.of("name", "jobs", "resources"));
        GroupConfig group = new GroupConfig(f.string("name"), f.strings("jobs"), f.strings("resources"));
        f.finish(group);
        return group;
    }

    private VarSourceConfig varSource(Fields raw, String key) {
        Fields f = with(raw, List.of("name", "type", "config"));
        VarSourceConfig source = new VarSourceConfig(f.string("name"), f.string("type"), f.object("config"));
        f.finish(source);
        return source;
    }

    private ResourceConfig resource(Fields raw, String key) {
        Fields f = with(raw, RESOURCE);
        ResourceConfig resource = new ResourceConfig(f.string("name"), f.string("old_name"), f.bool("public"),
                f.string("webhook_token"), f.string("type"), f.object("source"), f.string("check_every"),
                f.string("check_timeout"), f.strings("tags"), f.stringMap("version"), f.string("icon"),
                f.bool("expose_build_created_by"));
        f.finish(resource);
        return resource;
    }

    private ResourceTypeConfig resourceType(Fields raw, String key) {
        Fields f = with(raw, TYPE);
        ResourceTypeConfig type = new ResourceTypeConfig(f.string("name"), f.string("type"), f.object("source"),
                f.object("defaults"), f.bool("privileged"), f.string("check_every"), f.strings("tags"),
                f.object("params"));
        f.finish(type);
        return type;
    }

    private PrototypeConfig prototype(Fields raw, String key) {
        Fields f = with(raw, TYPE);
        PrototypeConfig prototype = new PrototypeConfig(f.string("name"), f.string("type"), f.object("source"),
                f.object("defaults"), f.bool("privileged"), f.string("check_every"), f.strings("tags"),
                f.object("params"));
        f.finish(prototype);
        return prototype;
    }

    private JobConfig job(Fields raw, String key) {
        Fields f = with(raw, JOB);
        JobConfig job = new JobConfig(f.string("name"), f.string("old_name"), f.bool("public"),
                f.bool("disable_manual_trigger"), f.bool("disable_reruns"), f.bool("serial"), f.bool("interruptible"),
                f.strings("serial_groups"), f.integer("max_in_flight"), f.strings("tags"),
                f.integer("build_logs_to_retain"), retention(f), steps.steps(f.node("plan"), f.pathOf("plan")),
                hook(f, "on_success"), hook(f, "on_failure"), hook(f, "on_abort"), hook(f, "on_error"),
                hook(f, "ensure"));
        f.finish(job);
        return job;
    }

    private Step hook(Fields f, String key) {
        YamlNode node = f.node(key);
        return node == null ? null : steps.step(node, f.pathOf(key));
    }

    private BuildLogRetention retention(Fields f) {
        return f.nested("build_log_retention", "a mapping with builds, days, minimum_succeeded_builds",
                List.of("builds", "minimum_succeeded_builds", "days"),
                x -> new BuildLogRetention(x.integer("builds"), x.integer("minimum_succeeded_builds"), x.integer("days")));
    }

    private DisplayConfig display(Fields f) {
        return f.nested("display", "a mapping with background_image", List.of("background_image", "background_filter"),
                x -> new DisplayConfig(x.string("background_image"), x.string("background_filter")));
    }
}
