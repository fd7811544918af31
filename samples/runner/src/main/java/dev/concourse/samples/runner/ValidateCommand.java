package dev.concourse.samples.runner;

import dev.concourse.config.LoadResult;
import dev.concourse.config.PipelineConfig;
import dev.concourse.config.PipelineLoader;
import dev.concourse.vars.VarFlags;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code validate}: fly validate-pipeline, without a server. */
@Command(name = "validate",
        mixinStandardHelpOptions = true,
        versionProvider = RunnerVersion.class,
        description = {
            "Validate a pipeline config as 'fly validate-pipeline' does.",
            "Prints every finding as FILE:LINE:COLUMN: error|warning: PATH: MESSAGE, then a summary line."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the pipeline is valid",
            "1:the pipeline has errors (or warnings, with --strict)",
            "2:usage error",
            "3:internal error"})
final class ValidateCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private VarOptions varOptions;

    @Option(names = {"-i", "--instance-var"}, paramLabel = "NAME=YAML",
            description = "An instance var: identifies a pipeline instance and is a var too, overriding"
                    + " -v, -y and -l. Repeatable.")
    private List<String> instanceVars = new ArrayList<>();

    @Option(names = "--strict", description = "Fail on warnings too.")
    private boolean strict;

    @Option(names = {"-o", "--output"},
            description = "Print the pipeline as YAML after interpolation (to stdout; findings and the summary"
                    + " then go to stderr). Only when it is valid.")
    private boolean output;

    @Parameters(paramLabel = "PIPELINE", description = "The pipeline config: YAML, or JSON when it ends in .json.")
    private Path pipeline;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();

        PipelineLoader loader = PipelineLoader.create();
        if (varOptions.given() || !instanceVars.isEmpty()) {
            VarFlags flags = varOptions.toVarFlags(instanceVars);
            loader = loader.withVariables(flags.toVariables()).withInstanceVars(flags.instanceVars());
        }
        LoadResult<PipelineConfig> result = loader.load(pipeline);
        boolean valid = result.isValid(strict);

        FindingsReport.print(result, strict, output ? err : out);
        if (output && valid) {
            out.print(PipelineYaml.write(result.config().orElseThrow()));
        }
        out.flush();
        err.flush();
        return valid ? 0 : 1;
    }
}
