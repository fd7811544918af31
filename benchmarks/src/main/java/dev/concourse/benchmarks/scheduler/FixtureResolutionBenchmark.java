package dev.concourse.benchmarks.scheduler;

import dev.concourse.benchmarks.CpuTime;
import dev.concourse.internal.scheduler.algorithm.FixtureImporter;
import dev.concourse.internal.scheduler.algorithm.InputConfig;
import dev.concourse.internal.scheduler.algorithm.InputResolver;
import dev.concourse.internal.scheduler.algorithm.InputResult;
import dev.concourse.internal.scheduler.algorithm.Resolution;
import dev.concourse.spi.storage.Storage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Input resolution for a new job over the real-world histories of Concourse's regression fixtures
 * (see {@link FixtureScenario}), loaded into {@code InMemoryStorage} through the storage SPI.
 * Target: hush-house's {@code rc-image} (25 upstream jobs) under 100 ms.
 *
 * <p>Measures the engine's {@code InputResolver} directly: there is no public entry point that
 * resolves a job's inputs without also saving them and creating builds (that is the scheduling
 * pass, measured in {@link SchedulingPassBenchmark}). The setup checks that each scenario resolves
 * to the versions Concourse resolves. CPU time per resolution ({@link CpuTime}) is reported too.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FixtureResolutionBenchmark {

    @Param({"HUSH_HOUSE_RC_IMAGE", "BOOKLIT", "BOSH_VERSIONS", "CONCOURSE_HIGH_CPU_DEPLOY", "RELINT"})
    public FixtureScenario scenario;

    private Storage storage;
    private long currentJob;
    private List<InputConfig> inputs;

    @Setup(Level.Trial)
    public void load() {
        FixtureImporter history = FixtureImporter.load(scenario.file());
        storage = history.storage();
        currentJob = history.jobId(FixtureImporter.CURRENT_JOB);
        inputs = scenario.inputs().stream()
                .map(in -> new InputConfig(in.name(), history.resourceId(in.resource()),
                        in.passed().stream().map(history::jobId).collect(Collectors.toSet()), false, null, true,
                        currentJob))
                .toList();
        Resolution resolution = runResolution();
        Map<String, String> actual = new LinkedHashMap<>();
        for (InputConfig input : inputs) {
            InputResult result = resolution.inputs().get(input.name());
            actual.put(input.name(), result.resolved() ? history.versionName(input.resourceId(), result.versionId())
                    : "error: " + result.error());
        }
        if (!resolution.ok() || !actual.equals(scenario.expected())) {
            throw new IllegalStateException(scenario + " resolved " + actual + ", Concourse resolves "
                    + scenario.expected());
        }
    }

    @Benchmark
    public Resolution resolve(CpuTime cpu) {
        cpu.start();
        Resolution resolution = runResolution();
        cpu.stop();
        return resolution;
    }

    private Resolution runResolution() {
        return storage.inTransaction(() -> new InputResolver(storage.history()).resolve(currentJob, inputs));
    }
}
