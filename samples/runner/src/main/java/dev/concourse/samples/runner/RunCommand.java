package dev.concourse.samples.runner;

import dev.concourse.Build;
import dev.concourse.ConcourseException;
import dev.concourse.PipelineEngine;
import dev.concourse.PipelineRef;
import dev.concourse.Team;
import dev.concourse.config.AcrossStep;
import dev.concourse.config.ConfigFinding;
import dev.concourse.config.DoStep;
import dev.concourse.config.GetStep;
import dev.concourse.config.HookStep;
import dev.concourse.config.InParallelStep;
import dev.concourse.config.JobConfig;
import dev.concourse.config.LoadResult;
import dev.concourse.config.PipelineConfig;
import dev.concourse.config.PipelineLoader;
import dev.concourse.config.RetryStep;
import dev.concourse.config.Step;
import dev.concourse.config.TimeoutStep;
import dev.concourse.config.TryStep;
import dev.concourse.resource.CheckResult;
import dev.concourse.vars.VarFlags;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code run}: sets a pipeline in an engine of its own, triggers one job and follows its build. */
@Command(name = "run",
        mixinStandardHelpOptions = true,
        versionProvider = RunnerVersion.class,
        description = {
            "Run a pipeline, or one job of it, on this machine and stream the builds' logs.",
            "Without --job the whole pipeline runs: its resources are checked, new versions trigger jobs, and"
                    + " every build's log is printed with a 'JOB/BUILD | ' prefix until no job can make progress;"
                    + " then why each job is idle is printed. --watch goes on until Ctrl-C.",
            "The pipeline is set in an engine of its own (team main, named after the file), the resources the job"
                    + " gets are checked (as a manual trigger checks them), the job is triggered and each step's"
                    + " output follows a header line such as '==> task: unit'. Ctrl-C aborts the build.",
            "The engine keeps its state in memory, or with --database in H2 or PostgreSQL, so that the next run"
                    + " continues from this run's versions and builds."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the build succeeded (without --job: every build did)",
            "1:the build failed (without --job: one failed, none errored), or the pipeline is invalid",
            "2:usage error (an unknown job, say), the --database cannot be used, checking a resource the job gets"
                    + " failed, or the build errored or was aborted (without --job: one did, or is left pending)",
            "3:internal error"})
final class RunCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private VarOptions varOptions;

    @Option(names = {"-i", "--instance-var"}, paramLabel = "NAME=YAML",
            description = "An instance var: identifies the pipeline instance and is a var too, overriding"
                    + " -v, -y and -l. Repeatable.")
    private List<String> instanceVars = new ArrayList<>();

    @Option(names = {"-j", "--job"}, paramLabel = "NAME",
            description = "The job to run. Without it, the whole pipeline runs until no job can make progress.")
    private String job;

    @Option(names = "--runtime", paramLabel = "local|runc", defaultValue = "local",
            description = "Where steps run: local (processes of this machine, no isolation; the default) or runc"
                    + " (Linux containers; needs root, runc and tini; images from image_resource (registry-image,"
                    + " local-image...) or rootfs_uri).")
    private LocalEngine.RuntimeKind runtimeKind = LocalEngine.RuntimeKind.local;

    @Option(names = {"-w", "--watch"},
            description = "Run the whole pipeline on and on (periodic checks, new versions) until Ctrl-C.")
    private boolean watch;

    @Option(names = {"-d", "--database"}, paramLabel = "JDBC-URL",
            description = "Keep the engine's state (pipelines, versions, builds and their logs) in this database:"
                    + " an H2 file such as jdbc:h2:file:./.concourse/state, or PostgreSQL such as"
                    + " jdbc:postgresql://localhost/concourse?user=ci. Without it, state lives in memory.")
    private String database;

    @Parameters(paramLabel = "PIPELINE", description = "The pipeline config: YAML, or JSON when it ends in .json.")
    private Path pipeline;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();

        VarFlags flags = varOptions.toVarFlags(instanceVars);
        // No credential manager here: a var that is not given can never be resolved, so it is an
        // error; only local vars ((.:name)) are left, which the build itself sets.
        LoadResult<PipelineConfig> loaded = PipelineLoader.create()
                .withVariables(flags.toVariables())
                .withInstanceVars(flags.instanceVars())
                .expectAllVars(true)
                .load(pipeline);
        List<ConfigFinding> findings = loaded.findings().stream().filter(f -> !isLocalVar(f)).toList();
        boolean valid = loaded.config().isPresent() && findings.stream().noneMatch(ConfigFinding::isError);
        if (!findings.isEmpty()) {
            FindingsReport.print(loaded.source(), findings, loaded.config().isPresent(), false, err);
            err.flush();
        }
        if (!valid) {
            return 1;
        }
        PipelineConfig config = loaded.config().orElseThrow();
        if (job == null) {
            PipelineRef whole = new PipelineRef(Team.MAIN, pipelineName(pipeline), flags.instanceVars());
            return runPipeline(whole, config, out, err);
        }
        if (watch) {
            throw new ParameterException(spec.commandLine(), "--watch runs the whole pipeline; leave out --job");
        }
        List<String> jobs = config.jobs().stream().map(JobConfig::name).toList();
        if (!jobs.contains(job)) {
            throw new ParameterException(spec.commandLine(), "unknown job '" + job + "': " + loaded.source()
                    + (jobs.isEmpty() ? " has no jobs" : " has the jobs " + jobs.stream().map(j -> "'" + j + "'")
                            .collect(Collectors.joining(", "))));
        }
        PipelineRef ref = new PipelineRef(Team.MAIN, pipelineName(pipeline), flags.instanceVars());

        LocalEngine started = startEngine(err);
        if (started == null) {
            return 2;
        }
        try (ShutdownAbort shutdown = ShutdownAbort.install(err); LocalEngine local = started) {
            PipelineEngine engine = local.engine();
            Build build;
            try {
                engine.pipelines().set(ref, config);
                String checkError = checkInputs(engine, ref, config.job(job).orElseThrow());
                if (checkError != null) {
                    err.println("concourse-runner: " + checkError);
                    err.flush();
                    return 2;
                }
                build = engine.jobs().trigger(ref.job(job));
            } catch (ConcourseException e) {
                // disable_manual_trigger, say: the engine's message says what to do
                err.println("concourse-runner: " + e.getMessage());
                err.flush();
                return 2;
            }
            shutdown.abortOnShutdown(build.describe(), () -> engine.builds().abort(build.id()));
            BuildLogPrinter printer = BuildLogPrinter.withStepHeaders(out, err, () -> engine.builds().plan(build.id()));
            engine.builds().events(build.id(), 1).subscribe(printer);
            BuildLogPrinter.Outcome outcome = printer.await();
            printer.printLine("==> " + build.describe() + " " + outcome.status().wireName());
            return switch (outcome.status()) {
                case SUCCEEDED -> 0;
                case FAILED -> 1;
                default -> 2;
            };
        }
    }

    /**
     * The engine for this command, in memory or on the {@code --database}; null after saying why
     * the database cannot be used.
     */
    private LocalEngine startEngine(PrintWriter err) {
        try {
            return LocalEngine.start(database, runtimeKind, err);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        } catch (IllegalStateException e) {
            err.println("concourse-runner: cannot use the database " + database + ": " + e.getMessage());
            err.flush();
            return null;
        }
    }

    private int runPipeline(PipelineRef ref, PipelineConfig config, PrintWriter out, PrintWriter err)
            throws InterruptedException {
        LocalEngine started = startEngine(err);
        if (started == null) {
            return 2;
        }
        try (ShutdownAbort shutdown = ShutdownAbort.install(err); LocalEngine local = started) {
            PipelineRun run = new PipelineRun(local.engine(), ref, out, err);
            shutdown.abortOnShutdown("the builds of pipeline " + ref, run::stop);
            try {
                return run.run(config, watch);
            } catch (ConcourseException e) {
                err.println("concourse-runner: " + e.getMessage());
                err.flush();
                return 2;
            }
        }
    }

    /**
     * Checks each resource the job gets, in plan order, as Concourse checks the inputs of a manually
     * triggered build; the first failure's error, or null when all succeeded.
     */
    private static String checkInputs(PipelineEngine engine, PipelineRef ref, JobConfig job) {
        Set<String> resources = new LinkedHashSet<>();
        collectGets(job.asStep(), resources);
        for (String resource : resources) {
            CheckResult result = engine.resources().check(ref.resource(resource));
            if (!result.succeeded()) {
                return result.error();
            }
        }
        return null;
    }

    private static void collectGets(Step step, Set<String> resources) {
        switch (step) {
            case GetStep get -> {
                // an across substep may name its resource with a local var, known only when it runs
                if (!get.resourceName().contains("((")) {
                    resources.add(get.resourceName());
                }
            }
            case DoStep d -> d.steps().forEach(s -> collectGets(s, resources));
            case InParallelStep p -> p.steps().forEach(s -> collectGets(s, resources));
            case TryStep t -> collectGets(t.step(), resources);
            case AcrossStep a -> collectGets(a.step(), resources);
            case RetryStep r -> collectGets(r.step(), resources);
            case TimeoutStep t -> collectGets(t.step(), resources);
            case HookStep h -> {
                collectGets(h.step(), resources);
                collectGets(h.hook(), resources);
            }
            default -> {
                // a put's implicit get fetches the version the put creates; other steps get nothing
            }
        }
    }

    /** {@code ((.:name))}: set by load_var or across while the build runs, never given up front. */
    private static boolean isLocalVar(ConfigFinding finding) {
        return "undefined_var".equals(finding.type()) && finding.message().startsWith("undefined var '.:");
    }

    /** The file's name without its extension: {@code ci/hello.yml} is pipeline {@code hello}. */
    static String pipelineName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
