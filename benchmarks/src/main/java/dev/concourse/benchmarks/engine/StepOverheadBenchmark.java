package dev.concourse.benchmarks.engine;

import dev.concourse.Build;
import dev.concourse.BuildStatus;
import dev.concourse.JobRef;
import dev.concourse.PipelineEngine;
import dev.concourse.PipelineRef;
import dev.concourse.benchmarks.CpuTime;
import dev.concourse.vars.StaticVariables;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
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
 * What a step costs on top of the process it runs: a job with one task running {@code true},
 * triggered and awaited through the public API of an engine with its defaults (in-memory
 * storage, local-process runtime), against starting {@code true} with {@link ProcessBuilder} and
 * reading its output to the end, in the same run. Target: the engine adds under 20 ms.
 *
 * <p>Both also count the process's CPU time ({@link CpuTime}): on a loaded machine the wall time
 * of a build, which hands work between several threads, grows with the load much more than a
 * single spawn's.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StepOverheadBenchmark {
    private static final String PIPELINE = """
            jobs:
            - name: step
              plan:
              - task: run-true
                config:
                  platform: linux
                  run: {path: "true"}
            """;
    private static final Duration TIMEOUT = Duration.ofMinutes(1);

    private PipelineEngine engine;
    private JobRef job;

    @Setup(Level.Trial)
    public void startEngine() throws InterruptedException {
        engine = PipelineEngine.builder().build();
        engine.start();
        PipelineRef pipeline = PipelineRef.main("bench");
        engine.pipelines().set(pipeline, PIPELINE, StaticVariables.empty());
        engine.pipelines().unpause(pipeline);
        job = pipeline.job("step");
        runJob();
    }

    @TearDown(Level.Trial)
    public void closeEngine() {
        engine.close();
    }

    @Benchmark
    public Build engineTask(CpuTime cpu) throws InterruptedException {
        cpu.start();
        Build done = runJob();
        cpu.stop();
        return done;
    }

    private Build runJob() throws InterruptedException {
        Build build = engine.jobs().trigger(job);
        Build done = engine.builds().await(build.id(), TIMEOUT);
        if (done.status() != BuildStatus.SUCCEEDED) {
            throw new IllegalStateException(done.describe() + " ended " + done.status().wireName());
        }
        return done;
    }

    @Benchmark
    public int processBuilder(CpuTime cpu) throws IOException, InterruptedException {
        cpu.start();
        int exit = spawn();
        cpu.stop();
        return exit;
    }

    private static int spawn() throws IOException, InterruptedException {
        Process process = new ProcessBuilder("true").redirectErrorStream(true).start();
        process.getOutputStream().close();
        process.getInputStream().readAllBytes();
        int exit = process.waitFor();
        if (exit != 0) {
            throw new IllegalStateException("true exited " + exit);
        }
        return exit;
    }
}
