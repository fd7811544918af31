package dev.concourse.benchmarks.scheduler;

import dev.concourse.Build;
import dev.concourse.BuildListener;
import dev.concourse.BuildStatus;
import dev.concourse.PipelineEngine;
import dev.concourse.PipelineRef;
import dev.concourse.ResourceRef;
import dev.concourse.event.BuildEvent;
import dev.concourse.event.SequencedEvent;
import dev.concourse.resource.CheckResult;
import dev.concourse.resource.Version;
import dev.concourse.runtime.LocalProcessRuntime;
import dev.concourse.storage.InMemoryStorage;
import dev.concourse.vars.StaticVariables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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
 * Event-driven scheduling latency: from a check that finds a new version to the {@code started}
 * status of the build it triggers, on the in-memory store, through the public API only
 * ({@code resources().check}, {@code builds().listen}, {@code builds().events}). Each operation
 * checks a {@code mock} resource from a version never seen before (the check saves it), and waits
 * until the triggered build of the job getting it with {@code trigger: true} emitted
 * {@code status: started}. No timer is involved: the check requests the job's scheduling pass,
 * which creates and starts the build. Target (issue 5): under 50 ms.
 *
 * <p>The builds only {@code get} the mock version (native, no process); each iteration ends
 * when the engine is idle again, so builds do not pile up. The setup checks that a build starts
 * with the version the check found.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class VersionToBuildBenchmark {
    private static final PipelineRef CI = PipelineRef.main("ci");
    private static final ResourceRef SOURCE = CI.resource("source");

    private Path work;
    private LocalProcessRuntime runtime;
    private PipelineEngine engine;
    private final AtomicLong versions = new AtomicLong();
    private final AtomicReference<CompletableFuture<Build>> next = new AtomicReference<>();

    @Setup(Level.Trial)
    public void create() throws Exception {
        work = Files.createTempDirectory("version-to-build");
        runtime = LocalProcessRuntime.builder().baseDirectory(work).build();
        engine = PipelineEngine.builder().storage(new InMemoryStorage()).runtime(runtime).build();
        engine.builds().listen(new BuildListener() {
            @Override
            public void created(Build build) {
                CompletableFuture<Build> waiting = next.get();
                if (waiting != null) {
                    engine.builds().events(build.id(), 1).subscribe(new StartedWatcher(build, waiting));
                }
            }
        });
        engine.start();
        engine.pipelines().set(CI, """
                resources:
                - name: source
                  type: mock
                  source: {initial_version: v0}
                jobs:
                - name: unit
                  plan:
                  - get: source
                    trigger: true
                """, StaticVariables.empty());
        Build first = newVersionToStartedBuild();
        if (!"unit".equals(first.job())) {
            throw new IllegalStateException("the new version did not start a build of unit: " + first);
        }
        awaitIdle();
    }

    @Benchmark
    public Build newVersionToStartedBuild() throws Exception {
        CompletableFuture<Build> started = new CompletableFuture<>();
        next.set(started);
        CheckResult result = engine.resources().check(SOURCE, Version.of("version", "v" + versions.incrementAndGet()));
        if (result.saved().isEmpty()) {
            throw new IllegalStateException("the check saved no new version: " + result);
        }
        return started.get(10, TimeUnit.SECONDS);
    }

    @TearDown(Level.Iteration)
    public void awaitIdle() throws InterruptedException {
        if (!engine.awaitIdle(Duration.ofSeconds(60))) {
            throw new IllegalStateException("the engine did not become idle within 60 s");
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        engine.close();
        runtime.close();
        try (var files = Files.walk(work)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Completes the future with the build when its {@code status: started} event arrives. */
    private record StartedWatcher(Build build, CompletableFuture<Build> started)
            implements Flow.Subscriber<SequencedEvent> {
        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(SequencedEvent item) {
            if (item.event() instanceof BuildEvent.Status s && s.status() == BuildStatus.STARTED) {
                started.complete(build);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            started.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            // After the started event this changes nothing; before it, the build never started.
            started.completeExceptionally(new IllegalStateException(build.describe() + " ended without starting"));
        }
    }
}
