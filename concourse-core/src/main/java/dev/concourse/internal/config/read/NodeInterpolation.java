package dev.concourse.internal.config.read;

import dev.concourse.config.ConfigFinding;
import dev.concourse.config.ConfigFinding.Severity;
import dev.concourse.config.SourceLocation;
import dev.concourse.internal.config.yaml.YamlList;
import dev.concourse.internal.config.yaml.YamlMap;
import dev.concourse.internal.config.yaml.YamlNode;
import dev.concourse.internal.config.yaml.YamlScalar;
import dev.concourse.vars.InterpolatedScalar;
import dev.concourse.vars.MultiVariables;
import dev.concourse.vars.StaticVariables;
import dev.concourse.vars.VarInterpolator;
import dev.concourse.vars.VarRef;
import dev.concourse.vars.Variables;
import dev.concourse.vars.VarsException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Static {@code ((var))} interpolation over a position-keeping node tree, so that every problem
 * names the line where the var is used. Substituted values take the position of the scalar they
 * replace.
 */
final class NodeInterpolation {

    /**
     * The interpolated tree (null only if the root itself could not be interpolated) and findings.
     *
     * @param root     the new tree
     * @param findings missing vars (errors when all vars are expected), unused vars (warnings),
     *                 and references that could not be substituted (errors)
     */
    record Result(YamlNode root, List<ConfigFinding> findings) {
    }

    private final VarInterpolator interpolator;
    private final ConfigReading.Options options;
    private final List<ConfigFinding> findings = new ArrayList<>();
    private final String file;

    private NodeInterpolation(String file, Variables variables, ConfigReading.Options options) {
        this.file = file;
        this.interpolator = VarInterpolator.create(variables);
        this.options = options;
    }

    static Result apply(YamlNode root, ConfigReading.Options options) {
        Variables given = options.variables() == null ? StaticVariables.empty() : options.variables();
        Variables variables = options.instanceVars().isEmpty()
                ? given
                : MultiVariables.of(StaticVariables.of(options.instanceVars()), given);
        NodeInterpolation run = new NodeInterpolation(root.location().file(), variables, options);
        YamlNode result = run.node(root);
        if (options.reportUnusedVars()) {
            for (String unused : run.interpolator.unusedVarNames()) {
                run.findings.add(new ConfigFinding(Severity.WARNING, "unused_var", "", SourceLocation.ofFile(run.file),
                        "var '" + unused + "' was given but the config never uses it; check its spelling"));
            }
        }
        return new Result(result, run.findings);
    }

    private YamlNode node(YamlNode node) {
        return switch (node) {
            case YamlScalar s -> scalar(s);
            case YamlList l -> {
                List<YamlNode> items = new ArrayList<>(l.items().size());
                long weight = 1;
                for (YamlNode item : l.items()) {
                    YamlNode done = node(item);
                    items.add(done);
                    weight += done.weight();
                }
                yield new YamlList(items, l.location(), weight);
            }
            case YamlMap m -> {
                List<YamlMap.Entry> entries = new ArrayList<>(m.size());
                long weight = 1;
                for (YamlMap.Entry e : m.entries()) {
                    String key = key(e);
                    YamlNode value = node(e.value());
                    entries.add(new YamlMap.Entry(key, e.keyLocation(), value));
                    weight += value.weight();
                }
                yield new YamlMap(entries, m.location(), weight);
            }
        };
    }

    private String key(YamlMap.Entry e) {
        if (!e.key().contains("((")) {
            return e.key();
        }
        try {
            InterpolatedScalar result = interpolator.interpolateKey(e.key());
            missing(result.missing(), e.keyLocation());
            return (String) result.value();
        } catch (VarsException ex) {
            failed(e.keyLocation(), ex);
            return e.key();
        }
    }

    private YamlNode scalar(YamlScalar s) {
        if (!(s.value() instanceof String text) || !text.contains("((")) {
            return s;
        }
        try {
            InterpolatedScalar result = interpolator.interpolate(text);
            missing(result.missing(), s.location());
            if (result.value() instanceof String replaced) {
                return replaced.equals(text) ? s : new YamlScalar(replaced, s.location(), false);
            }
            return fromPlain(result.value(), s.location());
        } catch (VarsException ex) {
            failed(s.location(), ex);
            return s;
        }
    }

    private void missing(List<VarRef> refs, SourceLocation at) {
        if (!options.expectAllVars()) {
            return;
        }
        for (VarRef ref : refs) {
            findings.add(new ConfigFinding(Severity.ERROR, "undefined_var", "", at, "undefined var '"
                    + ref.displayName() + "': give it with -v/-y/-l or use a credential manager"));
        }
    }

    private void failed(SourceLocation at, VarsException e) {
        findings.add(new ConfigFinding(Severity.ERROR, "invalid_interpolation", "", at, e.getMessage()));
    }

    /** A substituted value as nodes, all at the position of the reference. */
    private static YamlNode fromPlain(Object value, SourceLocation at) {
        if (value instanceof Map<?, ?> map) {
            List<YamlMap.Entry> entries = new ArrayList<>(map.size());
            long weight = 1;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                YamlNode child = fromPlain(e.getValue(), at);
                entries.add(new YamlMap.Entry(String.valueOf(e.getKey()), at, child));
                weight += child.weight();
            }
            return new YamlMap(entries, at, weight);
        }
        if (value instanceof List<?> list) {
            List<YamlNode> items = new ArrayList<>(list.size());
            long weight = 1;
            for (Object item : list) {
                YamlNode child = fromPlain(item, at);
                items.add(child);
                weight += child.weight();
            }
            return new YamlList(items, at, weight);
        }
        if (value instanceof java.math.BigDecimal d) {
            return new YamlScalar(d.doubleValue(), at, true);
        }
        if (value instanceof Integer i) {
            return new YamlScalar(i.longValue(), at, true);
        }
        return new YamlScalar(value, at, !(value instanceof String));
    }
}
