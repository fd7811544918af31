package dev.concourse.samples.runner;

import dev.concourse.Build;
import dev.concourse.OneOffBuild;
import dev.concourse.PipelineEngine;
import dev.concourse.Team;
import dev.concourse.config.LoadResult;
import dev.concourse.config.TaskConfig;
import dev.concourse.config.TaskConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code execute}: fly execute, on this machine: one task as a one-off build. */
@Command(name = "execute",
        mixinStandardHelpOptions = true,
        versionProvider = RunnerVersion.class,
        description = {
            "Run one task config on this machine, as 'fly execute' runs it on Concourse.",
            "The task's output streams to stdout and stderr; its outputs are copied to the -o directories"
                    + " when it succeeds. Ctrl-C aborts it."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the task succeeded",
            "N:the task failed with exit status N",
            "1:the task config is invalid",
            "2:usage error (a missing required input, say), or the build errored or was aborted",
            "3:internal error"})
final class ExecuteCommand implements Callable<Integer> {
    /** The step's name in events, as fly names it. */
    static final String TASK_NAME = "one-off";

    @Spec
    private CommandSpec spec;

    @Mixin
    private VarOptions varOptions;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
            description = "The task config: YAML, or JSON when it ends in .json.")
    private Path config;

    @Option(names = {"-i", "--input"}, paramLabel = "NAME=DIR",
            description = "A directory of this machine as the task's input NAME. Every input that is not"
                    + " optional must be given. Repeatable.")
    private Map<String, Path> inputs = new LinkedHashMap<>();

    @Option(names = {"-o", "--output"}, paramLabel = "NAME=DIR",
            description = "Copy the task's output NAME into DIR (created if missing) when the task succeeds."
                    + " Repeatable.")
    private Map<String, Path> outputs = new LinkedHashMap<>();

    @Option(names = "--runtime", paramLabel = "local|runc", defaultValue = "local",
            description = "Where steps run: local (processes of this machine, no isolation; the default) or runc"
                    + " (Linux containers; needs root, runc and tini; images from image_resource (registry-image,"
                    + " local-image...) or rootfs_uri).")
    private LocalEngine.RuntimeKind runtimeKind = LocalEngine.RuntimeKind.local;

    @Option(names = {"-p", "--privileged"},
            description = "Run the task privileged (with --runtime runc: as the host's root with all capabilities;"
                    + " the local runtime isolates nothing, so there it is recorded only).")
    private boolean privileged;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();

        // No credential manager here: a var that is not given can never be resolved, so it is an error.
        LoadResult<TaskConfig> result = TaskConfigLoader.create()
                .withVariables(varOptions.toVarFlags(List.of()).toVariables())
                .expectAllVars(true)
                .load(config);
        if (!result.findings().isEmpty()) {
            FindingsReport.print(result, false, err);
            err.flush();
        }
        if (!result.isValid()) {
            return 1;
        }
        TaskConfig task = result.config().orElseThrow();
        Map<String, Path> inputDirs = checkInputs(task, result.source());
        Map<String, Path> outputDirs = checkOutputs(task, result.source());

        try (ShutdownAbort shutdown = ShutdownAbort.install(err); LocalEngine local = LocalEngine.start(null, runtimeKind, err)) {
            PipelineEngine engine = local.engine();
            Build build = engine.builds().execute(
                    new OneOffBuild(Team.MAIN, TASK_NAME, task, inputDirs, outputDirs, privileged));
            shutdown.abortOnShutdown(build.describe(), () -> engine.builds().abort(build.id()));
            BuildLogPrinter printer = BuildLogPrinter.plain(out, err);
            engine.builds().events(build.id(), 1).subscribe(printer);
            BuildLogPrinter.Outcome outcome = printer.await();
            return switch (outcome.status()) {
                case SUCCEEDED -> 0;
                case FAILED -> outcome.exitStatus().isPresent() && outcome.exitStatus().getAsInt() != 0
                        ? outcome.exitStatus().getAsInt()
                        : 1;
                default -> {
                    err.println("concourse-runner: " + build.describe() + " " + outcome.status().wireName());
                    err.flush();
                    yield 2;
                }
            };
        }
    }

    private Map<String, Path> checkInputs(TaskConfig task, String source) {
        List<String> names = task.inputs().stream().map(TaskConfig.TaskInputConfig::name).toList();
        Map<String, Path> dirs = new LinkedHashMap<>();
        for (Map.Entry<String, Path> input : inputs.entrySet()) {
            if (!names.contains(input.getKey())) {
                throw usage("unknown input '" + input.getKey() + "': " + source + " " + listing("inputs", names));
            }
            if (!Files.isDirectory(input.getValue())) {
                throw usage("input '" + input.getKey() + "': " + input.getValue() + " is not a directory");
            }
            dirs.put(input.getKey(), input.getValue().toAbsolutePath().normalize());
        }
        List<String> missing = new ArrayList<>();
        for (TaskConfig.TaskInputConfig input : task.inputs()) {
            if (!input.optional() && !inputs.containsKey(input.name())) {
                missing.add(input.name());
            }
        }
        if (missing.size() == 1) {
            throw usage("missing required input '" + missing.getFirst() + "' of " + source + "; give it with -i "
                    + missing.getFirst() + "=DIR");
        }
        if (!missing.isEmpty()) {
            throw usage("missing required inputs " + quoted(missing) + " of " + source
                    + "; give each with -i NAME=DIR");
        }
        return dirs;
    }

    private Map<String, Path> checkOutputs(TaskConfig task, String source) {
        List<String> names = task.outputs().stream().map(TaskConfig.TaskOutputConfig::name).toList();
        Map<String, Path> dirs = new LinkedHashMap<>();
        for (Map.Entry<String, Path> output : outputs.entrySet()) {
            if (!names.contains(output.getKey())) {
                throw usage("unknown output '" + output.getKey() + "': " + source + " " + listing("outputs", names));
            }
            if (Files.exists(output.getValue()) && !Files.isDirectory(output.getValue())) {
                throw usage("output '" + output.getKey() + "': " + output.getValue() + " is not a directory");
            }
            dirs.put(output.getKey(), output.getValue().toAbsolutePath().normalize());
        }
        return dirs;
    }

    private static String listing(String what, List<String> names) {
        return names.isEmpty() ? "has no " + what : "has the " + what + " " + quoted(names);
    }

    private static String quoted(List<String> names) {
        return names.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", "));
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
