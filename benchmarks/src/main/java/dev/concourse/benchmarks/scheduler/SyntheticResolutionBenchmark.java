package dev.concourse.benchmarks.scheduler;

import dev.concourse.internal.scheduler.algorithm.InputConfig;
import dev.concourse.internal.scheduler.algorithm.InputResolver;
import dev.concourse.internal.scheduler.algorithm.InputResult;
import dev.concourse.internal.scheduler.algorithm.Resolution;
import dev.concourse.resource.Version;
import dev.concourse.spi.storage.Storage;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
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
 * One input resolution on a {@link SyntheticHistory}: stage 2 of the first chain, whose input
 * must have passed stages 1 and 0. Stage 1 stopped at the middle version, so the resolver has to
 * find stage 0's build of that version among all of them: the cost to watch as versions (and
 * builds, one per {@value SyntheticHistory#STEP} versions) grow. Target: no worse than linear.
 *
 * <p>Calls the engine's {@code InputResolver} directly, as {@link FixtureResolutionBenchmark}
 * does and for the same reason.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SyntheticResolutionBenchmark {

    /** {@code JOBSxVERSIONS}, see {@link SyntheticShape}. */
    @Param({"10x100", "100x100", "1000x100", "10x1000", "10x10000", "10x100000"})
    public String shape;

    private Storage storage;
    private long jobId;
    private List<InputConfig> inputs;

    @Setup(Level.Trial)
    public void create() {
        SyntheticHistory history = SyntheticShape.create(shape);
        storage = history.storage();
        jobId = history.jobId(0, 2);
        inputs = List.of(new InputConfig(SyntheticHistory.resourceName(0), history.resourceId(0),
                Set.of(history.jobId(0, 1), history.jobId(0, 0)), false, null, true, jobId));
        Resolution resolution = resolve();
        InputResult result = resolution.inputs().get(SyntheticHistory.resourceName(0));
        int versions = Integer.parseInt(shape.substring(shape.indexOf('x') + 1));
        Version expected = Version.of("ref", Integer.toString(versions / 2));
        if (!resolution.ok() || !result.resolved()
                || !storage.versions().version(result.versionId()).orElseThrow().equals(expected)
                || result.firstOccurrence()) {
            throw new IllegalStateException(shape + ": stage 2 should resolve " + expected + " (used before), got "
                    + resolution);
        }
    }

    @Benchmark
    public Resolution resolve() {
        return storage.inTransaction(() -> new InputResolver(storage.history()).resolve(jobId, inputs));
    }
}
