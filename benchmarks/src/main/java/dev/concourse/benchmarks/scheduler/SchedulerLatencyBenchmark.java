package dev.concourse.benchmarks.scheduler;

import dev.concourse.Build;
import dev.concourse.JobRef;
import dev.concourse.PipelineEngine;
import dev.concourse.PipelineRef;
import dev.concourse.ResourceRef;
import dev.concourse.resource.CheckResult;
import dev.concourse.resource.ResourceResult;
import dev.concourse.resource.Version;
import dev.concourse.spi.resource.ResourceRequest;
import dev.concourse.spi.resource.ResourceType;
import dev.concourse.vars.StaticVariables;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Scheduler latency (issue 5): from a check finding a new version of a resource to the
 * downstream job's build running its first step, through the public API of an engine with its
 * defaults (in-memory storage). The job gets the resource with {@code trigger: true}; the
 * resource's type is a native one of this class that reports when the build's get fetches the
 * version, which is the build's first step. Target: under 50 ms.
 *
 * <p>An operation is one {@code resources().check(ref, from)} with a version never seen (the type
 * finds it, the engine saves it and asks the scheduler) until the build's get of that version
 * starts. The build then finishes outside the measurement.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SchedulerLatencyBenchmark {
    private static final String PIPELINE = """
            resources:
            - name: src
              type: probe
              check_every: 24h
              source: {}
            jobs:
            - name: downstream
              plan:
              - get: src
                trigger: true
            """;
    private static final Duration TIMEOUT = Duration.ofMinutes(1);

    private final ProbeType probe = new ProbeType();
    private PipelineEngine engine;
    private ResourceRef resource;
    private JobRef job;
    private long next;

    @Setup(Level.Trial)
    public void startEngine() throws Exception {
        engine = PipelineEngine.builder().resourceType(probe).build();
        engine.start();
        PipelineRef pipeline = PipelineRef.main("latency");
        engine.pipelines().set(pipeline, PIPELINE, StaticVariables.empty());
        engine.pipelines().unpause(pipeline);
        resource = pipeline.resource("src");
        job = pipeline.job("downstream");
        newVersionToBuildStarted();
        awaitBuilds();
    }

    @TearDown(Level.Trial)
    public void closeEngine() {
        engine.close();
    }

    /** Lets the build of the last operation finish, so builds do not pile up. */
    @TearDown(Level.Invocation)
    public void awaitBuilds() throws InterruptedException {
        for (Build build : engine.jobs().builds(job, 3)) {
            Build done = engine.builds().await(build.id(), TIMEOUT);
            if (!done.status().isFinished()) {
                throw new IllegalStateException(done.describe() + " did not finish within " + TIMEOUT);
            }
        }
    }

    @Benchmark
    public Version newVersionToBuildStarted() throws InterruptedException, ExecutionException, TimeoutException {
        Version version = Version.of("version", "v" + next++);
        CompletableFuture<Void> fetched = probe.expect(version);
        CheckResult check = engine.resources().check(resource, version);
        if (check.error() != null || check.saved().isEmpty()) {
            throw new IllegalStateException("the check did not save " + version + ": " + check);
        }
        fetched.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        return version;
    }

    /** A check from a version finds it; a get reports that the version's build has started. */
    static final class ProbeType implements ResourceType {
        private final Map<Version, CompletableFuture<Void>> expected = new ConcurrentHashMap<>();

        CompletableFuture<Void> expect(Version version) {
            return expected.computeIfAbsent(version, v -> new CompletableFuture<>());
        }

        @Override
        public String name() {
            return "probe";
        }

        @Override
        public List<Version> check(ResourceRequest request) {
            return request.version() == null ? List.of() : List.of(request.version());
        }

        @Override
        public ResourceResult get(ResourceRequest request, Path directory) {
            expect(request.version()).complete(null);
            expected.remove(request.version());
            return ResourceResult.of(request.version());
        }

        @Override
        public ResourceResult put(ResourceRequest request, Path directory) {
            throw new UnsupportedOperationException("the latency pipeline has no put");
        }
    }
}
