package dev.concourse.internal.config.validate;

import static dev.concourse.internal.config.validate.Findings.nz;

import dev.concourse.config.PipelineConfig;
import dev.concourse.config.VarSourceConfig;
import dev.concourse.internal.config.SourceIndex;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code var_sources}: known and pipeline-supported types, duplicate names, each manager's own
 * config checks, and whether the sources can be ordered by their {@code ((source:var))}
 * references to one another.
 */
final class VarSourcesValidator {
    private static final String SECTION = "var_sources";

    /** Every credential manager Concourse registers; only some may be used in a pipeline. */
    private static final Set<String> KNOWN_TYPES =
            Set.of("conjur", "credhub", "dummy", "idtoken", "kubernetes", "secretsmanager", "ssm", "vault");
    private static final Set<String> PIPELINE_TYPES = Set.of("vault", "dummy", "ssm", "secretsmanager", "idtoken");

    /** Concourse's {@code ((var))} syntax ({@code vars/template.go}); \w is ASCII in both dialects. */
    private static final Pattern VAR = Pattern.compile("\\(\\((([-/.\\w\\p{L}]+:)?[-/.:@\"\\w\\p{L}]+)\\)\\)");

    private VarSourcesValidator() {
    }

    static void validate(PipelineConfig config, SourceIndex sources, Findings findings) {
        Map<String, Location> names = new HashMap<>();
        for (int i = 0; i < config.varSources().size(); i++) {
            VarSourceConfig varSource = config.varSources().get(i);
            Location location = new Location(SECTION, i);
            Identifiers.record(findings, varSource.name(), List.of(location.identifier(varSource.name())),
                    sources.locate(varSource, "name"));

            String type = nz(varSource.type());
            if (!KNOWN_TYPES.contains(type)) {
                findings.error("unknown_var_source_type", SECTION, sources.locate(varSource, "type"),
                        "unknown credential manager type: " + type);
                continue;
            }
            if (!PIPELINE_TYPES.contains(type)) {
                findings.error("unsupported_var_source_type", SECTION, sources.locate(varSource, "type"),
                        "credential manager type " + type + " is not supported in pipeline yet");
            }
            Location other = names.get(nz(varSource.name()));
            if (other != null) {
                findings.error("duplicate_name", SECTION, sources.locate(varSource, "name"),
                        other + " and " + location + " have the same name ('" + nz(varSource.name()) + "')");
            }
            names.put(nz(varSource.name()), location);

            VarSourceCheck check = VarSourceCheck.of(type, varSource.config());
            if (check.createError() != null) {
                findings.error("invalid_var_source", SECTION, sources.locate(varSource, "config"),
                        "failed to create credential manager " + nz(varSource.name()) + ": " + check.createError());
            } else if (check.validateError() != null) {
                findings.error("invalid_var_source", SECTION, sources.locate(varSource, "config"),
                        "credential manager " + nz(varSource.name()) + " is invalid: " + check.validateError());
            }
        }

        List<VarSourceConfig> unresolved = unresolved(config.varSources());
        if (!unresolved.isEmpty()) {
            List<String> unresolvedNames = unresolved.stream().map(v -> nz(v.name())).toList();
            findings.error("unresolved_var_source", SECTION, sources.locate(unresolved.get(0)),
                    "failed to order by dependency: could not resolve inter-dependent var sources: "
                            + String.join(", ", unresolvedNames));
        }
    }

    /**
     * Concourse's {@code VarSourceConfigs.OrderByDependency}, keeping only what it fails on: the
     * sources still pending at the end, in the order they were left.
     */
    static List<VarSourceConfig> unresolved(List<VarSourceConfig> varSources) {
        record Pending(VarSourceConfig source, List<String> deps) {
        }
        Set<String> added = new HashSet<>();
        List<Pending> pending = new ArrayList<>();
        for (VarSourceConfig vs : varSources) {
            List<String> deps = dependencies(vs.config());
            if (!added.containsAll(deps)) {
                pending.add(new Pending(vs, deps));
                continue;
            }
            added.add(nz(vs.name()));
            List<Pending> left = new ArrayList<>();
            for (Pending p : pending) {
                if (added.containsAll(p.deps())) {
                    added.add(nz(p.source().name()));
                } else {
                    left.add(p);
                }
            }
            pending = left;
        }
        return pending.stream().map(Pending::source).toList();
    }

    /** The var sources that {@code ((source:path))} references in a config name, in order. */
    static List<String> dependencies(Object config) {
        List<String> deps = new ArrayList<>();
        collect(config, deps);
        return deps;
    }

    private static void collect(Object node, List<String> deps) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                collect(String.valueOf(k), deps);
                collect(v, deps);
            });
        } else if (node instanceof List<?> list) {
            list.forEach(item -> collect(item, deps));
        } else if (node instanceof String s) {
            Matcher m = VAR.matcher(s);
            while (m.find()) {
                String[] parts = m.group(1).split(":", -1);
                if (parts.length > 1) {
                    deps.add(parts[0]);
                }
            }
        }
    }
}
