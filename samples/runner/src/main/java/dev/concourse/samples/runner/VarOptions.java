package dev.concourse.samples.runner;

import dev.concourse.vars.VarFlags;
import dev.concourse.vars.VarsException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * fly's static var flags ({@code -l}, {@code -v}, {@code -y}), shared by the commands that read
 * configs. Precedence is fly's: {@code -v}, then {@code -y} (a later kind overrides an earlier
 * kind of the same name), then the {@code -l} files, the last file first.
 */
final class VarOptions {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(names = {"-l", "--load-vars-from"}, paramLabel = "FILE",
            description = "Vars from a YAML file; later files take precedence. Repeatable.")
    private List<Path> varFiles = new ArrayList<>();

    @Option(names = {"-v", "--var"}, paramLabel = "NAME=VALUE",
            description = "A string var; NAME may address a field (creds.user=admin). Repeatable.")
    private List<String> vars = new ArrayList<>();

    @Option(names = {"-y", "--yaml-var"}, paramLabel = "NAME=YAML",
            description = "A var whose value is YAML (a number, list or map). Repeatable.")
    private List<String> yamlVars = new ArrayList<>();

    /** Whether any var flag was given (and interpolation should happen at all). */
    boolean given() {
        return !varFiles.isEmpty() || !vars.isEmpty() || !yamlVars.isEmpty();
    }

    /**
     * The flags parsed and the files read, plus the given instance vars ({@code -i}).
     *
     * @throws ParameterException (a usage error) when a flag is malformed or a file unusable
     */
    VarFlags toVarFlags(List<String> instanceVars) {
        VarFlags flags = VarFlags.none();
        for (String pair : vars) {
            flags = add("--var", pair, flags::withVar);
        }
        for (String pair : yamlVars) {
            flags = add("--yaml-var", pair, flags::withYamlVar);
        }
        for (String pair : instanceVars) {
            flags = add("--instance-var", pair, flags::withInstanceVar);
        }
        for (Path file : varFiles) {
            flags = add("--load-vars-from", file, flags::withVarsFile);
        }
        return flags;
    }

    private <T> VarFlags add(String option, T value, Function<T, VarFlags> adder) {
        try {
            return adder.apply(value);
        } catch (VarsException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e, spec.findOption(option),
                    String.valueOf(value));
        }
    }
}
