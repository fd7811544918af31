package dev.concourse.internal.config;

import dev.concourse.config.AcrossStep;
import dev.concourse.config.AcrossVar;
import dev.concourse.config.BuildLogRetention;
import dev.concourse.config.ContainerLimits;
import dev.concourse.config.DoStep;
import dev.concourse.config.GetStep;
import dev.concourse.config.GroupConfig;
import dev.concourse.config.HookStep;
import dev.concourse.config.InParallelStep;
import dev.concourse.config.InputsConfig;
import dev.concourse.config.JobConfig;
import dev.concourse.config.LoadVarStep;
import dev.concourse.config.PipelineConfig;
import dev.concourse.config.PrototypeConfig;
import dev.concourse.config.PutStep;
import dev.concourse.config.ResourceConfig;
import dev.concourse.config.ResourceTypeConfig;
import dev.concourse.config.RetryStep;
import dev.concourse.config.RunStep;
import dev.concourse.config.SetPipelineStep;
import dev.concourse.config.Step;
import dev.concourse.config.TaskConfig;
import dev.concourse.config.TaskStep;
import dev.concourse.config.TimeoutStep;
import dev.concourse.config.TryStep;
import dev.concourse.config.VarSourceConfig;
import dev.concourse.config.VersionConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the model back as plain values with Concourse's keys (the inverse of the binder), leaving
 * out empty and default values as Concourse's {@code omitempty} does. The result serialises to the
 * JSON the Concourse API returns for a pipeline config, and reads back to an equal model.
 */
public final class ModelWriter {
    private ModelWriter() {
    }

    public static Map<String, Object> pipeline(PipelineConfig c) {
        Out o = new Out();
        o.put("groups", c.groups().stream().map(ModelWriter::group).toList());
        o.put("var_sources", c.varSources().stream().map(ModelWriter::varSource).toList());
        o.put("resources", c.resources().stream().map(ModelWriter::resource).toList());
        o.put("resource_types", c.resourceTypes().stream().map(ModelWriter::resourceType).toList());
        o.put("prototypes", c.prototypes().stream().map(ModelWriter::prototype).toList());
        o.put("jobs", c.jobs().stream().map(ModelWriter::job).toList());
        if (c.display() != null) {
            Out d = new Out();
            d.put("background_image", c.display().backgroundImage());
            d.put("background_filter", c.display().backgroundFilter());
            o.map.put("display", d.map);
        }
        // user_data is returned untouched: {} or [] stay as written, only a missing value is left out.
        o.present("user_data", c.userData());
        return o.map;
    }

    private static Map<String, Object> group(GroupConfig g) {
        Out o = new Out();
        o.map.put("name", g.name());
        o.put("jobs", g.jobs());
        o.put("resources", g.resources());
        return o.map;
    }

    private static Map<String, Object> varSource(VarSourceConfig v) {
        Out o = new Out();
        o.map.put("name", v.name());
        o.map.put("type", v.type());
        o.put("config", v.config());
        return o.map;
    }

    private static Map<String, Object> resource(ResourceConfig r) {
        Out o = new Out();
        o.map.put("name", r.name());
        o.put("old_name", r.oldName());
        o.flag("public", r.isPublic());
        o.put("webhook_token", r.webhookToken());
        o.map.put("type", r.type());
        o.put("source", r.source());
        o.put("check_every", r.checkEvery());
        o.put("check_timeout", r.checkTimeout());
        o.put("tags", r.tags());
        o.put("version", r.version());
        o.put("icon", r.icon());
        o.flag("expose_build_created_by", r.exposeBuildCreatedBy());
        return o.map;
    }

    private static Map<String, Object> resourceType(ResourceTypeConfig t) {
        return typeLike(t.name(), t.type(), t.source(), t.defaults(), t.privileged(), t.checkEvery(), t.tags(), t.params());
    }

    private static Map<String, Object> prototype(PrototypeConfig t) {
        return typeLike(t.name(), t.type(), t.source(), t.defaults(), t.privileged(), t.checkEvery(), t.tags(), t.params());
    }

    private static Map<String, Object> typeLike(String name, String type, Map<String, Object> source,
            Map<String, Object> defaults, boolean privileged, String checkEvery, List<String> tags,
            Map<String, Object> params) {
        Out o = new Out();
        o.map.put("name", name);
        o.map.put("type", type);
        o.put("source", source);
        o.put("defaults", defaults);
        o.flag("privileged", privileged);
        o.put("check_every", checkEvery);
        o.put("tags", tags);
        o.put("params", params);
        return o.map;
    }

    private static Map<String, Object> job(JobConfig j) {
        Out o = new Out();
        o.map.put("name", j.name());
        o.put("old_name", j.oldName());
        o.flag("public", j.isPublic());
        o.flag("disable_manual_trigger", j.disableManualTrigger());
        o.flag("disable_reruns", j.disableReruns());
        o.flag("serial", j.serial());
        o.flag("interruptible", j.interruptible());
        o.put("serial_groups", j.serialGroups());
        o.number("max_in_flight", j.maxInFlight());
        o.put("tags", j.tags());
        o.number("build_logs_to_retain", j.buildLogsToRetain());
        BuildLogRetention r = j.buildLogRetention();
        if (r != null) {
            Out ro = new Out();
            ro.number("builds", r.builds());
            ro.number("minimum_succeeded_builds", r.minimumSucceededBuilds());
            ro.number("days", r.days());
            o.map.put("build_log_retention", ro.map);
        }
        o.put("on_success", j.onSuccess() == null ? null : step(j.onSuccess()));
        o.put("on_failure", j.onFailure() == null ? null : step(j.onFailure()));
        o.put("on_abort", j.onAbort() == null ? null : step(j.onAbort()));
        o.put("on_error", j.onError() == null ? null : step(j.onError()));
        o.put("ensure", j.ensure() == null ? null : step(j.ensure()));
        o.map.put("plan", steps(j.plan()));
        return o.map;
    }

    private static List<Object> steps(List<Step> steps) {
        List<Object> out = new ArrayList<>(steps.size());
        for (Step s : steps) {
            out.add(step(s));
        }
        return out;
    }

    /** One step as a single mapping: modifiers' keys merged with the core step's, as Concourse writes it. */
    public static Map<String, Object> step(Step step) {
        Out o = new Out();
        Step current = step;
        while (current != null) {
            current = writeInto(o, current);
        }
        return o.map;
    }

    /** Writes one layer and returns the wrapped step, or null for a core step. */
    private static Step writeInto(Out o, Step step) {
        return switch (step) {
            case HookStep h -> {
                o.map.put(h.kind().key(), step(h.hook()));
                yield h.step();
            }
            case AcrossStep a -> {
                List<Object> vars = new ArrayList<>();
                for (AcrossVar v : a.vars()) {
                    Out vo = new Out();
                    vo.map.put("var", v.var());
                    // values: [] (nothing to run) differs from no values at all.
                    vo.present("values", v.values());
                    if (v.maxInFlight() != null) {
                        vo.map.put("max_in_flight", v.maxInFlight().all() ? "all" : (Object) v.maxInFlight().limit());
                    }
                    vars.add(vo.map);
                }
                o.map.put("across", vars);
                o.flag("fail_fast", a.failFast());
                yield a.step();
            }
            case RetryStep r -> {
                o.map.put("attempts", r.attempts());
                yield r.step();
            }
            case TimeoutStep t -> {
                o.map.put("timeout", t.duration());
                yield t.step();
            }
            case GetStep g -> {
                o.map.put("get", g.name());
                o.put("resource", g.resource());
                // A pin to {} is still a pin (Concourse writes it), so it is not left out like other empty maps.
                o.present("version", version(g.version()));
                o.put("params", g.params());
                o.put("passed", g.passed());
                o.flag("trigger", g.trigger());
                o.put("tags", g.tags());
                o.put("timeout", g.timeout());
                yield null;
            }
            case PutStep p -> {
                o.map.put("put", p.name());
                o.put("resource", p.resource());
                o.put("params", p.params());
                // inputs: [] (no artifacts at all) differs from leaving inputs out (detect).
                o.present("inputs", inputs(p.inputs()));
                o.put("tags", p.tags());
                o.put("get_params", p.getParams());
                o.put("timeout", p.timeout());
                o.flag("no_get", p.noGet());
                yield null;
            }
            case TaskStep t -> {
                o.map.put("task", t.name());
                o.flag("privileged", t.privileged());
                o.flag("hermetic", t.hermetic());
                o.put("file", t.file());
                o.present("container_limits", limits(t.containerLimits()));
                o.put("config", t.config() == null ? null : task(t.config()));
                o.put("params", t.params());
                o.put("vars", t.vars());
                o.put("tags", t.tags());
                o.put("input_mapping", t.inputMapping());
                o.put("output_mapping", t.outputMapping());
                o.put("image", t.image());
                o.put("timeout", t.timeout());
                yield null;
            }
            case RunStep r -> {
                o.map.put("run", r.message());
                o.put("type", r.type());
                o.put("params", r.params());
                o.flag("privileged", r.privileged());
                o.put("tags", r.tags());
                o.present("container_limits", limits(r.containerLimits()));
                o.put("timeout", r.timeout());
                yield null;
            }
            case SetPipelineStep s -> {
                o.map.put("set_pipeline", s.name());
                o.put("file", s.file());
                o.put("team", s.team());
                o.put("vars", s.vars());
                o.put("var_files", s.varFiles());
                o.put("instance_vars", s.instanceVars());
                yield null;
            }
            case LoadVarStep l -> {
                o.map.put("load_var", l.name());
                o.put("file", l.file());
                o.put("format", l.format());
                o.flag("reveal", l.reveal());
                yield null;
            }
            case DoStep d -> {
                o.map.put("do", steps(d.steps()));
                o.put("tags", d.tags());
                yield null;
            }
            case InParallelStep p -> {
                if (p.limit() == 0 && !p.failFast()) {
                    o.map.put("in_parallel", steps(p.steps()));
                } else {
                    Out po = new Out();
                    po.map.put("steps", steps(p.steps()));
                    po.number("limit", p.limit());
                    po.flag("fail_fast", p.failFast());
                    o.map.put("in_parallel", po.map);
                }
                o.put("tags", p.tags());
                yield null;
            }
            case TryStep t -> {
                o.map.put("try", step(t.step()));
                yield null;
            }
        };
    }

    private static Object version(VersionConfig v) {
        if (v == null) {
            return null;
        }
        return switch (v.mode()) {
            case LATEST -> "latest";
            case EVERY -> "every";
            case PINNED -> v.pinned();
        };
    }

    private static Object inputs(InputsConfig i) {
        if (i == null) {
            return null;
        }
        return switch (i.mode()) {
            case ALL -> "all";
            case DETECT -> "detect";
            case SPECIFIED -> i.specified();
        };
    }

    private static Map<String, Object> limits(ContainerLimits l) {
        if (l == null) {
            return null;
        }
        Out o = new Out();
        o.put("cpu", l.cpu());
        o.put("memory", l.memory());
        return o.map;
    }

    /** A task config with Concourse's keys. */
    public static Map<String, Object> task(TaskConfig t) {
        Out o = new Out();
        o.put("platform", t.platform());
        o.put("rootfs_uri", t.rootfsUri());
        TaskConfig.ImageResource image = t.imageResource();
        if (image != null) {
            Out io = new Out();
            io.put("name", image.name());
            io.map.put("type", image.type());
            io.map.put("source", image.source());
            io.put("version", image.version());
            io.put("params", image.params());
            io.put("tags", image.tags());
            o.map.put("image_resource", io.map);
        }
        o.present("container_limits", limits(t.containerLimits()));
        o.put("params", t.params());
        if (t.run() != null) {
            Out ro = new Out();
            ro.put("path", t.run().path());
            ro.put("args", t.run().args());
            ro.put("dir", t.run().dir());
            ro.put("user", t.run().user());
            o.map.put("run", ro.map);
        }
        o.put("inputs", t.inputs().stream().map(i -> {
            Out io = new Out();
            io.map.put("name", i.name());
            io.put("path", i.path());
            io.flag("optional", i.optional());
            return io.map;
        }).toList());
        o.put("outputs", t.outputs().stream().map(i -> {
            Out io = new Out();
            io.map.put("name", i.name());
            io.put("path", i.path());
            return io.map;
        }).toList());
        o.put("caches", t.caches().stream().map(i -> {
            Out io = new Out();
            io.put("path", i.path());
            io.put("ttl", i.ttl());
            return io.map;
        }).toList());
        return o.map;
    }

    /** An ordered map that skips empty values. */
    private static final class Out {
        final Map<String, Object> map = new LinkedHashMap<>();

        void put(String key, Object value) {
            if (value == null) {
                return;
            }
            if (value instanceof Collection<?> c && c.isEmpty()) {
                return;
            }
            if (value instanceof Map<?, ?> m && m.isEmpty()) {
                return;
            }
            map.put(key, value);
        }

        /**
         * Puts a value that is set, even when empty: for pointers in Concourse's structs, where
         * {@code {}} or {@code []} means something other than leaving the key out.
         */
        void present(String key, Object value) {
            if (value != null) {
                map.put(key, value);
            }
        }

        void flag(String key, boolean value) {
            if (value) {
                map.put(key, true);
            }
        }

        void number(String key, int value) {
            if (value != 0) {
                map.put(key, value);
            }
        }
    }
}
