package dev.concourse.internal.exec;

import dev.concourse.BuildStatus;
import dev.concourse.config.JobConfig;
import dev.concourse.config.Step;
import dev.concourse.internal.engine.SystemEngineClock;
import dev.concourse.runtime.LocalProcessRuntime;
import dev.concourse.spi.runtime.ContainerRuntime;
import dev.concourse.spi.runtime.Volume;
import dev.concourse.spi.runtime.VolumeSpec;
import dev.concourse.spi.runtime.Worker;
import dev.concourse.spi.scheduling.PlacementStrategy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The executor on the real local runtime and clock, for tests: builds run on the test's thread
 * (or one started with {@link #start}), events land in a {@link CollectingSink}.
 */
final class ExecHarness implements AutoCloseable {
    final ContainerRuntime runtime;
    final SystemEngineClock clock = new SystemEngineClock();
    final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    Duration grace = Duration.ofSeconds(10);
    List<PlacementStrategy> placement = List.of();
    private long nextBuildId = 1;

    ExecHarness(Path base) {
        this(LocalProcessRuntime.builder().baseDirectory(base).workerName("local").build());
    }

    ExecHarness(ContainerRuntime runtime) {
        this.runtime = runtime;
    }

    ExecEnvironment env() {
        return new ExecEnvironment(runtime, placement, clock, executor, grace, "https://ci.example.com");
    }

    Worker worker() {
        return runtime.workers().get(0);
    }

    /** A build of job {@code j} (id {@code jobId}), or a one-off build when {@code jobId} is 0. */
    Build build(long jobId) {
        return build(jobId, Map.of());
    }

    Build build(long jobId, Map<String, Volume> artifacts) {
        long id = nextBuildId++;
        BuildMetadata meta = jobId == 0
                ? new BuildMetadata(id, Long.toString(id), "main", null, null, 0)
                : new BuildMetadata(id, Long.toString(id), "main", "p", "j", jobId);
        return new Build(meta, artifacts);
    }

    /** Runs a job's plan as a build of job 1 and returns the build (already run). */
    Build runJob(JobConfig job) {
        Build build = build(1);
        build.run(job.asStep());
        return build;
    }

    /** A volume on the worker holding the given files (path relative to the volume to content). */
    Volume volume(Map<String, String> files) {
        Volume volume = worker().createVolume(VolumeSpec.empty());
        files.forEach((path, content) -> {
            Path file = Path.of(volume.path()).resolve(path);
            try {
                Files.createDirectories(file.getParent());
                Files.writeString(file, content, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return volume;
    }

    static String read(Volume volume, String path) {
        try {
            return Files.readString(Path.of(volume.path()).resolve(path), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        clock.close();
        runtime.close();
    }

    /** One build: its run, its events, its outcome. */
    final class Build {
        final BuildMetadata meta;
        final CollectingSink events = new CollectingSink();
        final BuildRun run;
        PlannedStep plan;
        BuildStatus status;
        private final Map<String, String> ids = new HashMap<>();

        Build(BuildMetadata meta, Map<String, Volume> artifacts) {
            this.meta = meta;
            this.run = new BuildRun(env(), meta, events, artifacts);
        }

        BuildStatus run(Step step) {
            plan(step);
            status = run.run(plan);
            return status;
        }

        void plan(Step step) {
            plan = BuildPlanner.plan(step);
            collectIds(BuildPlanner.describe(plan));
        }

        /** Runs the plan on a new thread; join with {@link #await}. */
        Thread start(Step step) {
            plan(step);
            return Thread.ofVirtual().start(() -> status = run.run(plan));
        }

        BuildStatus await(Thread thread, Duration timeout) throws InterruptedException {
            if (!thread.join(timeout)) {
                run.abort();
                throw new AssertionError("build did not finish within " + timeout + "; events: " + events.events());
            }
            return status;
        }

        /** The plan id of the (first) step with this name, such as a task's. */
        String id(String name) {
            String id = ids.get(name);
            if (id == null) {
                throw new AssertionError("no step named " + name + " in " + plan);
            }
            return id;
        }

        private void collectIds(dev.concourse.BuildPlan plan) {
            if (plan.name() != null) {
                ids.putIfAbsent(plan.name(), plan.id());
            }
            plan.children().forEach(this::collectIds);
        }
    }
}
