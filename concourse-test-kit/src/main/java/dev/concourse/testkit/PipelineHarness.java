package dev.concourse.testkit;

import dev.concourse.Build;
import dev.concourse.BuildPlan;
import dev.concourse.resource.CheckResult;
import dev.concourse.Job;
import dev.concourse.PipelineEngine;
import dev.concourse.PipelineRef;
import dev.concourse.config.PipelineConfig;
import dev.concourse.event.SequencedEvent;
import dev.concourse.resource.ResourceException;
import dev.concourse.resourcetype.MockResource;
import dev.concourse.resourcetype.TimeResource;
import dev.concourse.runtime.LocalProcessRuntime;
import dev.concourse.spi.resource.ResourceType;
import dev.concourse.storage.InMemoryStorage;
import dev.concourse.vars.VarFlags;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One pipeline under test: an engine of its own (in-memory storage, the test kit's runtime whose
 * tasks are {@link TaskMock}s, scripted resources, a {@link ManualClock}), driven by the test's
 * thread. Nothing runs in the background: the engine moves only in {@link #runUntilIdle()},
 * {@link #advance(Duration)} and the calls that say they run it.
 *
 * <pre>{@code
 * ci.resource("repo").emit(Map.of("ref", "abc"));
 * ci.task("unit").returns(0).writes("out/report.txt", "ok");
 * ci.runUntilIdle();
 * assertThat(ci.job("unit").lastBuild()).succeeded().usedInput("repo", Map.of("ref", "abc"));
 * }</pre>
 *
 * <p>Made by {@link PipelineTestExtension} for {@link PipelineTest}s, or by {@link #builder(Path)}.
 * One harness belongs to one test and one thread at a time; several harnesses run in parallel
 * without sharing anything. Close it when done (the extension does).
 */
public final class PipelineHarness implements AutoCloseable {
    private final PipelineRef pipeline;
    private final PipelineConfig config;
    private final ManualClock clock;
    private final EngineDriver driver;
    private final TaskMocks mocks;
    private final TestCredentials credentials = new TestCredentials();
    private final Map<String, ScriptedResource> resources = new LinkedHashMap<>();
    private final Snapshots snapshots;
    private final Path workDirectory;
    private final PipelineEngine engine;
    private boolean closed;

    private PipelineHarness(Builder b) {
        this.clock = new ManualClock(b.start);
        this.driver = new EngineDriver(clock, b.horizon);
        this.mocks = new TaskMocks(b.runUnmockedTasks);
        this.snapshots = Snapshots.fromSystemProperties(b.snapshotDirectory);
        String yaml = read(b.pipelineFile, "pipeline");
        VarFlags flags = VarFlags.none();
        for (Path vars : b.varsFiles) {
            flags = flags.withVarsFile(existing(vars, "vars file"));
        }
        for (Map.Entry<String, String> var : b.vars.entrySet()) {
            flags = flags.withVar(var.getKey() + "=" + var.getValue());
        }
        String name = b.name != null ? b.name : defaultName(b.pipelineFile);
        this.pipeline = PipelineRef.of(b.team, name);
        try {
            this.workDirectory = workDirectoryRoot().isPresent()
                    ? Files.createTempDirectory(workDirectoryRoot().get(), "concourse-pipeline-test-")
                    : Files.createTempDirectory("concourse-pipeline-test-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the pipeline test: "
                    + e.getMessage(), e);
        }
        PipelineEngine built = null;
        try {
            Map<String, ResourceType> natives = Map.of(MockResource.NAME, new MockResource(), TimeResource.NAME,
                    new TimeResource(clock::now));
            ScriptedResourceType scripted = new ScriptedResourceType(this::scriptOf, natives);
            ScriptedRuntime runtime = runtime();
            built = PipelineEngine.builder()
                    .storage(new InMemoryStorage())
                    .runtime(runtime)
                    .clock(clock)
                    .executor(driver)
                    .resourceType(scripted)
                    .credentialManager(credentials)
                    .build();
            // Set as written (static vars resolved, the rest left for credentials), then with every
            // resource scripted; before start, so nothing ran in between.
            built.pipelines().set(pipeline, yaml, flags.toVariables());
            PipelineConfig original = built.pipelines().get(pipeline).orElseThrow().config();
            tagWorker(runtime, original);
            built.pipelines().set(pipeline, PipelineRewrite.scripted(original, natives.keySet()));
            this.config = original;
            original.resources().forEach(r -> resources.put(r.name(), new ScriptedResource(r.name())));
            built.start();
        } catch (RuntimeException e) {
            if (built != null) {
                built.close();
            }
            deleteWorkDirectory();
            throw e;
        }
        this.engine = built;
    }

    /** A harness for the pipeline in {@code pipelineFile}. */
    public static Builder builder(Path pipelineFile) {
        return new Builder(pipelineFile);
    }

    /** The untagged worker; {@link #tagWorker} adds the tagged one once the pipeline's tags are known. */
    private ScriptedRuntime runtime() {
        List<LocalProcessRuntime> workers = new ArrayList<>();
        workers.add(LocalProcessRuntime.builder().baseDirectory(workDirectory.resolve("worker")).workerName("test-worker")
                .platform("linux").build());
        return new ScriptedRuntime(workers, mocks, driver);
    }

    /** A worker with every tag the pipeline uses, so that tagged steps find one. */
    private void tagWorker(ScriptedRuntime runtime, PipelineConfig pipelineConfig) {
        Set<String> tags = TaskNames.tags(pipelineConfig);
        if (!tags.isEmpty()) {
            runtime.addWorker(LocalProcessRuntime.builder().baseDirectory(workDirectory.resolve("tagged-worker"))
                    .workerName("test-worker-tagged").platform("linux").tags(tags.toArray(String[]::new)).build());
        }
    }

    private ScriptedResource scriptOf(String name) {
        synchronized (resources) {
            ScriptedResource script = resources.get(name);
            if (script == null) {
                throw new ResourceException("resource '" + name + "' is not in pipeline " + pipeline);
            }
            return script;
        }
    }

    /** The pipeline under test. */
    public PipelineRef pipeline() {
        return pipeline;
    }

    /** The pipeline's config as set (static vars resolved), with its resources' real types. */
    public PipelineConfig config() {
        return config;
    }

    /** The engine, for what the harness does not cover; run it with the harness's methods. */
    public PipelineEngine engine() {
        return engine;
    }

    /** The engine's clock. */
    public ManualClock clock() {
        return clock;
    }

    /** What time it is for the engine. */
    public Instant now() {
        return clock.now();
    }

    /**
     * The script of a resource of the pipeline.
     *
     * @throws IllegalArgumentException if the pipeline has no such resource, listing those it has
     */
    public ScriptedResource resource(String name) {
        synchronized (resources) {
            ScriptedResource script = resources.get(name);
            if (script == null) {
                throw new IllegalArgumentException("pipeline " + pipeline + " has no resource '" + name
                        + "'; it has: " + String.join(", ", resources.keySet()));
            }
            return script;
        }
    }

    /**
     * The mock of every task step named {@code stepName}.
     *
     * @throws IllegalArgumentException if no job of the pipeline has a task step of that name
     */
    public TaskMock task(String stepName) {
        Set<String> names = TaskNames.of(config);
        if (!names.contains(stepName)) {
            throw new IllegalArgumentException("pipeline " + pipeline + " has no task step '" + stepName
                    + "'; its task steps: " + String.join(", ", names));
        }
        return mocks.mock(stepName);
    }

    /**
     * Gives a {@code ((var))} that is resolved when builds run (a credential), and whose value
     * must never appear in a log ({@link PipelineAssertions#assertThat(PipelineHarness)}).
     */
    public PipelineHarness secret(String name, Object value) {
        credentials.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /** The secrets given with {@link #secret}. */
    public Map<String, Object> secrets() {
        return credentials.all();
    }

    /**
     * A job of the pipeline.
     *
     * @throws IllegalArgumentException if there is no such job, listing those there are
     */
    public JobUnderTest job(String name) {
        if (config.job(name).isEmpty()) {
            throw new IllegalArgumentException("pipeline " + pipeline + " has no job '" + name + "'; it has: "
                    + String.join(", ", config.jobs().stream().map(j -> j.name()).toList()));
        }
        return new JobUnderTest(this, pipeline.job(name));
    }

    /**
     * Checks the resources that have new versions or check scripts, then runs checks, scheduling
     * and builds until nothing can go on without time passing. Time moves on only while a step
     * waits for it (a task mock that takes a while, a timeout).
     *
     * @throws AssertionError when a task ran without a mock, a step waited forever, or engine work
     *                        failed unexpectedly
     */
    public PipelineHarness runUntilIdle() {
        ensureOpen();
        checkScriptedResources();
        driver.runUntilIdle();
        failOnProblems();
        return this;
    }

    /**
     * Moves time forward by {@code duration}, running what falls due on the way (periodic checks,
     * {@code time} resources, timeouts), each at its time, and everything it causes.
     */
    public PipelineHarness advance(Duration duration) {
        ensureOpen();
        checkScriptedResources();
        driver.advance(duration);
        failOnProblems();
        return this;
    }

    /** Triggers a job by hand, then runs until idle. */
    public BuildTrace trigger(String job) {
        Build build = job(job).trigger();
        runUntilIdle();
        return trace(engine.builds().get(build.id()).orElseThrow());
    }

    /** Checks a resource now (its scripted versions, or its failure), then runs until idle. */
    public CheckResult check(String resource) {
        resource(resource).takeUnchecked();
        CheckResult result = engine.resources().check(pipeline.resource(resource));
        runUntilIdle();
        return result;
    }

    /** Every build of the pipeline's jobs, oldest first. */
    public List<BuildTrace> builds() {
        return engine.jobs().list(pipeline).stream()
                .flatMap(j -> engine.jobs().builds(j.ref(), Integer.MAX_VALUE).stream())
                .sorted(Comparator.comparingLong(Build::id))
                .map(this::trace)
                .toList();
    }

    /** The build as it stands, with its events. */
    public BuildTrace trace(Build build) {
        Build current = engine.builds().get(build.id()).orElse(build);
        BuildPlan plan = engine.builds().plan(current.id()).orElse(null);
        EventCollector collector = new EventCollector();
        driver.inline(() -> engine.builds().events(current.id(), 1).subscribe(collector));
        List<SequencedEvent> events = collector.take();
        return new BuildTrace(current, plan, events, snapshots);
    }

    /** One line per job with its builds' statuses, for messages. */
    String summary() {
        StringBuilder out = new StringBuilder("builds of ").append(pipeline).append(": ");
        List<String> parts = new ArrayList<>();
        for (Job job : engine.jobs().list(pipeline)) {
            List<String> statuses = engine.jobs().builds(job.ref(), Integer.MAX_VALUE).reversed().stream()
                    .map(b -> "#" + b.name() + " " + b.status().wireName()).toList();
            parts.add(job.ref().name() + (statuses.isEmpty() ? " (none)" : " " + String.join(", ", statuses)));
        }
        return out.append(String.join("; ", parts)).toString();
    }

    /**
     * What a failed test prints: each build's step tree and the tail of its log.
     *
     * @param logLines how many log lines per build
     */
    public String diagnostics(int logLines) {
        StringBuilder out = new StringBuilder("pipeline ").append(pipeline).append(" at ").append(clock.now())
                .append('\n');
        List<BuildTrace> builds = builds();
        if (builds.isEmpty()) {
            out.append("no builds\n");
        }
        for (BuildTrace build : builds) {
            out.append("--- ").append(build.describe()).append(' ').append(build.status().wireName()).append('\n');
            out.append(build.stepTree());
            String tail = build.logTail(logLines);
            if (!tail.isEmpty()) {
                out.append("  log (last ").append(logLines).append(" lines):\n");
                tail.lines().forEach(l -> out.append("  | ").append(l).append('\n'));
            }
        }
        return out.toString();
    }

    private void checkScriptedResources() {
        List<String> names;
        synchronized (resources) {
            names = resources.values().stream().filter(ScriptedResource::takeUnchecked).map(ScriptedResource::name)
                    .toList();
        }
        for (String name : names) {
            engine.resources().check(pipeline.resource(name));
        }
    }

    private void failOnProblems() {
        List<String> unmocked = mocks.drainUnmocked();
        List<String> problems = driver.drainProblems();
        if (unmocked.isEmpty() && problems.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder();
        if (!unmocked.isEmpty()) {
            message.append("tasks ran without a mock: ").append(String.join(", ", unmocked))
                    .append(". Mock each, for example:\n");
            unmocked.forEach(t -> message.append("    ci.task(\"").append(t).append("\").returns(0);\n"));
            message.append("or run unmocked tasks on this machine with @PipelineTest(runUnmockedTasks = true)");
        }
        for (String problem : problems) {
            message.append(message.isEmpty() ? "" : "\n").append(problem);
        }
        throw new AssertionError(message.toString());
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the harness of pipeline " + pipeline + " is closed");
        }
    }

    /** Aborts what still runs, lets it end, closes the engine and deletes the work directory. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            for (Build build : engine.builds().list(Integer.MAX_VALUE)) {
                if (build.status().isRunning()) {
                    engine.builds().abort(build.id());
                }
            }
            driver.runUntilIdle();
            driver.drainProblems();
        } finally {
            driver.close();
            engine.close();
            deleteWorkDirectory();
        }
    }

    boolean isClosed() {
        return closed;
    }

    private void deleteWorkDirectory() {
        if (workDirectory == null || !Files.exists(workDirectory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(workDirectory)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the pipeline test's directory " + workDirectory + ": "
                    + e.getMessage(), e);
        }
    }

    private static String read(Path file, String what) {
        try {
            return Files.readString(existing(file, what), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
        }
    }

    private static Path existing(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(what + " " + file + " does not exist (resolved to "
                    + file.toAbsolutePath().normalize() + "); paths are relative to the working directory, "
                    + "usually the module's folder");
        }
        return file;
    }

    /**
     * Volumes of a pipeline test are small and short-lived: on Linux they go to the RAM-backed
     * {@code /dev/shm} when it is writable, which saves most of a build's file-system time.
     */
    private static java.util.Optional<Path> workDirectoryRoot() {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? java.util.Optional.of(shm) : java.util.Optional.empty();
    }

    private static String defaultName(Path pipelineFile) {
        String file = pipelineFile.getFileName().toString();
        int dot = file.lastIndexOf('.');
        return dot > 0 ? file.substring(0, dot) : file;
    }

    @Override
    public String toString() {
        return "PipelineHarness[" + pipeline + "]";
    }

    /** Settings of a harness. */
    public static final class Builder {
        private final Path pipelineFile;
        private final List<Path> varsFiles = new ArrayList<>();
        private final Map<String, String> vars = new LinkedHashMap<>();
        private String name;
        private String team = "main";
        private boolean runUnmockedTasks;
        private Instant start = ManualClock.DEFAULT_START;
        private Duration horizon = EngineDriver.DEFAULT_HORIZON;
        private Path snapshotDirectory = Path.of("src", "test", "resources", "pipeline-snapshots");

        private Builder(Path pipelineFile) {
            this.pipelineFile = Objects.requireNonNull(pipelineFile, "pipelineFile");
        }

        /** A vars file ({@code -l}), resolved when the pipeline is set. */
        public Builder varsFile(Path file) {
            varsFiles.add(Objects.requireNonNull(file, "file"));
            return this;
        }

        /** A var ({@code -v name=value}). */
        public Builder var(String name, String value) {
            vars.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** The pipeline's name; default: the file's name without its extension. */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** The team; default {@code main}. */
        public Builder team(String team) {
            this.team = Objects.requireNonNull(team, "team");
            return this;
        }

        /** Runs tasks without a mock as processes on this machine instead of failing the test. */
        public Builder runUnmockedTasks(boolean run) {
            this.runUnmockedTasks = run;
            return this;
        }

        /** Where the engine's time starts; default {@link ManualClock#DEFAULT_START}. */
        public Builder start(Instant start) {
            this.start = Objects.requireNonNull(start, "start");
            return this;
        }

        /** How much simulated time a waiting step may let pass before the test fails; default 7 days. */
        public Builder horizon(Duration horizon) {
            this.horizon = Objects.requireNonNull(horizon, "horizon");
            return this;
        }

        /** Where snapshots live; default {@code src/test/resources/pipeline-snapshots}. */
        public Builder snapshotDirectory(Path directory) {
            this.snapshotDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * Builds the engine, sets the pipeline (every resource scripted) and starts it; nothing runs yet.
         *
         * @throws dev.concourse.config.ConfigException if the pipeline is invalid
         * @throws IllegalArgumentException             if a file does not exist
         */
        public PipelineHarness build() {
            return new PipelineHarness(this);
        }
    }
}
