package dev.concourse.vars;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The vars given to {@code fly set-pipeline} / {@code fly validate-pipeline} on the command line,
 * combined the way fly combines them:
 *
 * <ol>
 *   <li>One set of flag vars, highest precedence: every {@code -v} pair in order, then every
 *       {@code -y} pair in order, then every {@code -i} instance var (flattened to its leaves),
 *       each merged into the previous ones as {@link StaticVariables#with(VarRef, Object)}
 *       describes. So a {@code -y} overrides a {@code -v} of the same name whatever their
 *       position on the command line, and {@code -i} overrides both.</li>
 *   <li>Then the {@code -l} files, the last one given first. A var is taken whole from the first
 *       source that defines it; files are not deep-merged, so {@code ((creds.pass))} fails with
 *       {@link MissingFieldException} if a higher-precedence source defines {@code creds} without
 *       {@code pass}.</li>
 * </ol>
 *
 * <p>Flags are parsed and files read when added, so errors surface at the flag that caused them.
 * Immutable: every {@code with...} method returns a new instance.
 */
public final class VarFlags {

    private static final VarFlags NONE = new VarFlags(List.of(), List.of(), List.of(), List.of());

    private final List<VarPairs.Pair> vars;
    private final List<VarPairs.Pair> yamlVars;
    private final List<VarPairs.Pair> instanceVars;
    private final List<StaticVariables> files;

    private VarFlags(List<VarPairs.Pair> vars, List<VarPairs.Pair> yamlVars, List<VarPairs.Pair> instanceVars,
            List<StaticVariables> files) {
        this.vars = vars;
        this.yamlVars = yamlVars;
        this.instanceVars = instanceVars;
        this.files = files;
    }

    /** No flags. */
    public static VarFlags none() {
        return NONE;
    }

    /**
     * Adds {@code -v name=value} ({@code --var}): a string value; {@code a.b=c} sets field
     * {@code b} of var {@code a}.
     *
     * @throws InvalidVarFlagException if the flag is malformed
     */
    public VarFlags withVar(String nameEqualsValue) {
        return new VarFlags(append(vars, VarPairs.stringPair(Objects.requireNonNull(nameEqualsValue))),
                yamlVars, instanceVars, files);
    }

    /**
     * Adds {@code -y name=yaml} ({@code --yaml-var}): a YAML value.
     *
     * @throws InvalidVarFlagException if the flag is malformed or the value is not YAML
     */
    public VarFlags withYamlVar(String nameEqualsYaml) {
        return new VarFlags(vars, append(yamlVars, VarPairs.yamlPair(Objects.requireNonNull(nameEqualsYaml))),
                instanceVars, files);
    }

    /**
     * Adds {@code -i name=yaml} ({@code --instance-var}): a YAML value that both identifies the
     * pipeline instance and is available as a var.
     *
     * @throws InvalidVarFlagException if the flag is malformed or the value is not YAML
     */
    public VarFlags withInstanceVar(String nameEqualsYaml) {
        return new VarFlags(vars, yamlVars,
                append(instanceVars, VarPairs.yamlPair(Objects.requireNonNull(nameEqualsYaml))), files);
    }

    /**
     * Adds {@code -l FILE} ({@code --load-vars-from}); later files take precedence over earlier ones.
     *
     * @throws VarsFileException if the file cannot be read, is not YAML or is not a mapping
     */
    public VarFlags withVarsFile(Path file) {
        return withVarsFile(StaticVariables.fromYamlFile(file));
    }

    /**
     * Adds the content of a {@code -l} file that was already read.
     *
     * @throws VarsFileException if the text is not YAML or not a mapping
     */
    public VarFlags withVarsYaml(String sourceName, String yamlText) {
        return withVarsFile(StaticVariables.fromYaml(sourceName, yamlText));
    }

    private VarFlags withVarsFile(StaticVariables file) {
        List<StaticVariables> more = new ArrayList<>(files);
        more.add(file);
        return new VarFlags(vars, yamlVars, instanceVars, List.copyOf(more));
    }

    /** The instance vars from the {@code -i} flags, merged in order; empty when there are none. */
    public Map<String, Object> instanceVars() {
        StaticVariables merged = StaticVariables.empty();
        for (VarPairs.Pair pair : instanceVars) {
            merged = merged.with(pair.ref(), pair.value());
        }
        return merged.asMap();
    }

    /** The vars to interpolate with, in fly's precedence order (see the class description). */
    public Variables toVariables() {
        StaticVariables flags = StaticVariables.empty();
        for (VarPairs.Pair pair : vars) {
            flags = flags.with(pair.ref(), pair.value());
        }
        for (VarPairs.Pair pair : yamlVars) {
            flags = flags.with(pair.ref(), pair.value());
        }
        for (VarPairs.Pair pair : VarPairs.flatten(instanceVars())) {
            flags = flags.with(pair.ref(), pair.value());
        }
        List<Variables> sources = new ArrayList<>();
        sources.add(flags);
        for (int i = files.size() - 1; i >= 0; i--) {
            sources.add(files.get(i));
        }
        return MultiVariables.of(sources);
    }

    private static List<VarPairs.Pair> append(List<VarPairs.Pair> pairs, VarPairs.Pair pair) {
        List<VarPairs.Pair> more = new ArrayList<>(pairs);
        more.add(pair);
        return List.copyOf(more);
    }
}
