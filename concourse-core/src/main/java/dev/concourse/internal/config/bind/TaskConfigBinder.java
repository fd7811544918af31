package dev.concourse.internal.config.bind;

import dev.concourse.config.ContainerLimits;
import dev.concourse.config.TaskConfig;
import dev.concourse.config.TaskConfig.ImageResource;
import dev.concourse.config.TaskConfig.TaskCacheConfig;
import dev.concourse.config.TaskConfig.TaskInputConfig;
import dev.concourse.config.TaskConfig.TaskOutputConfig;
import dev.concourse.config.TaskConfig.TaskRunConfig;
import dev.concourse.internal.config.yaml.YamlList;
import dev.concourse.internal.config.yaml.YamlMap;
import dev.concourse.internal.config.yaml.YamlNode;
import dev.concourse.internal.config.yaml.YamlScalar;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Binds task configs (inline {@code config:} or task files) and container limits. */
final class TaskConfigBinder {
    private static final List<String> TASK_KEYS = List.of("platform", "rootfs_uri", "image_resource",
            "container_limits", "params", "run", "inputs", "outputs", "caches");
    private static final Pattern MEMORY = Pattern.compile("(?i)^([0-9]+)(([KMG])(i)?B?)?$");

    private final BindContext ctx;

    TaskConfigBinder(BindContext ctx) {
        this.ctx = ctx;
    }

    TaskConfig config(YamlNode node, String path) {
        if (!(node instanceof YamlMap map)) {
            ctx.error("invalid_type", path, node.location(), "a task config must be a mapping, not " + node.kind());
            return null;
        }
        Fields f = new Fields(map, path, ctx, TASK_KEYS);
        TaskConfig config = new TaskConfig(f.string("platform"), f.string("rootfs_uri"), imageResource(f),
                limits(f, "container_limits"), f.env("params"), run(f),
                items(f, "inputs", List.of("name", "path", "optional"),
                        x -> new TaskInputConfig(x.string("name"), x.string("path"), x.bool("optional"))),
                items(f, "outputs", List.of("name", "path"), x -> new TaskOutputConfig(x.string("name"), x.string("path"))),
                items(f, "caches", List.of("path", "ttl"), x -> new TaskCacheConfig(x.string("path"), x.string("ttl"))));
        f.finish(config);
        return config;
    }

    private ImageResource imageResource(Fields f) {
        return f.nested("image_resource", "a mapping with type and source",
                List.of("name", "type", "source", "version", "params", "tags"),
                x -> new ImageResource(x.string("name"), x.string("type"), x.object("source"), x.stringMap("version"),
                        x.object("params"), x.strings("tags")));
    }

    private TaskRunConfig run(Fields f) {
        return f.nested("run", "a mapping with path and args", List.of("path", "args", "dir", "user"),
                x -> new TaskRunConfig(x.string("path"), x.strings("args"), x.string("dir"), x.string("user")));
    }

    private <T> List<T> items(Fields f, String key, List<String> keys, Function<Fields, T> bind) {
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
            String itemPath = f.pathOf(key) + "[" + i + "]";
            if (!(item instanceof YamlMap map)) {
                ctx.error("invalid_type", itemPath, item.location(), "expected a mapping, not " + item.kind());
                continue;
            }
            Fields x = new Fields(map, itemPath, ctx, keys);
            T value = bind.apply(x);
            x.finish(value);
            out.add(value);
        }
        return out;
    }

    ContainerLimits limits(Fields f, String key) {
        return f.nested(key, "a mapping with cpu and memory", List.of("cpu", "memory"),
                x -> new ContainerLimits(cpu(x), memory(x)));
    }

    private Long cpu(Fields x) {
        YamlNode node = x.node("cpu");
        if (node == null) {
            return null;
        }
        if (node instanceof YamlScalar s && s.value() instanceof Number n && n.doubleValue() >= 0) {
            return n.longValue();
        }
        ctx.error("invalid_value", x.pathOf("cpu"), node.location(), "cpu limit must be an integer");
        return null;
    }

    private Long memory(Fields x) {
        YamlNode node = x.node("memory");
        if (node == null) {
            return null;
        }
        if (node instanceof YamlScalar s && s.value() instanceof Number n && n.doubleValue() >= 0) {
            return n.longValue();
        }
        if (node instanceof YamlScalar s && s.value() instanceof String text) {
            Long bytes = parseMemory(text);
            if (bytes != null) {
                return bytes;
            }
        }
        ctx.error("invalid_value", x.pathOf("memory"), node.location(),
                "could not parse container memory limit: use bytes or a number with KB, MB, GB (or KiB, MiB, GiB)");
        return null;
    }

    /** Concourse's memory limit syntax; K, M and G are binary units with or without {@code i} and {@code B}. */
    static Long parseMemory(String text) {
        Matcher m = MEMORY.matcher(text);
        if (!m.matches()) {
            return null;
        }
        long value;
        try {
            value = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return null;
        }
        if (m.group(3) == null) {
            return value;
        }
        int shift = switch (m.group(3).toUpperCase(Locale.ROOT)) {
            case "K" -> 10;
            case "M" -> 20;
            default -> 30;
        };
        return value > (Long.MAX_VALUE >> shift) ? null : value << shift;
    }
}
