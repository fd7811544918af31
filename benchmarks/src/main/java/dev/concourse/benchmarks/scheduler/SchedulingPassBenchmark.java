package dev.concourse.benchmarks.scheduler;

import dev.concourse.Build;
import dev.concourse.BuildStatus;
import dev.concourse.Job;
import dev.concourse.benchmarks.CpuTime;
import dev.concourse.internal.scheduler.BuildStarter;
import dev.concourse.internal.scheduler.EngineActivity;
import dev.concourse.internal.scheduler.Scheduler;
import dev.concourse.resource.Version;
import dev.concourse.spi.scheduling.EngineClock;
import dev.concourse.spi.storage.NextBuildInputs;
import dev.concourse.spi.storage.Storage;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A full scheduling pass over every job of a {@link SyntheticHistory}: for each job the engine's
 * scheduler reads the job and its pipeline, resolves its inputs, saves them as the next inputs
 * and looks for pending builds to start (Concourse's periodic pass over all jobs). The history is
 * in the steady state, so the pass starts nothing. Target: 1,000 jobs in under 1 s.
 *
 * <p>Runs the engine's {@code Scheduler} in the calling thread ({@code jobNow}, what a manual
 * trigger does) without starting it (no drain tasks): there is no public entry point for one pass. The setup
 * checks that a pass resolves every job and creates no build. The process's CPU time per pass
 * ({@link CpuTime}) is reported too: on a loaded machine it varies far less than wall time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SchedulingPassBenchmark {

    /** {@code JOBSxVERSIONS}, see {@link SyntheticShape}. */
    @Param({"10x100", "100x100", "1000x100", "10x1000", "10x10000", "10x100000"})
    public String shape;

    private Storage storage;
    private List<Long> jobIds;
    private Scheduler scheduler;
    private final AtomicInteger buildsTouched = new AtomicInteger();

    @Setup(Level.Trial)
    public void create() {
        SyntheticHistory history = SyntheticShape.create(shape);
        storage = history.storage();
        jobIds = history.jobIds();
        // Never started, so it submits no drain task to the executor: passes run in jobNow only.
        scheduler = new Scheduler(storage, new FixedClock(), Runnable::run, new BuildStarter() {
            @Override
            public void created(Build build) {
                buildsTouched.incrementAndGet();
            }

            @Override
            public void start(Build pending, Job job, Map<String, Version> inputs) {
                buildsTouched.incrementAndGet();
            }

            @Override
            public boolean checkedSince(long resourceId, Instant since) {
                return true;
            }
        }, new EngineActivity());
        runPass();
        for (long jobId : jobIds) {
            NextBuildInputs next = storage.builds().nextInputs(jobId);
            if (!next.determined() || next.inputs().size() != 1) {
                throw new IllegalStateException(shape + ": job " + jobId + " did not resolve: " + next);
            }
        }
        if (buildsTouched.get() != 0 || !storage.builds().listByStatus(EnumSet.of(BuildStatus.PENDING)).isEmpty()) {
            throw new IllegalStateException(shape + ": the steady state created or started builds");
        }
    }

    @Benchmark
    public int pass(CpuTime cpu) {
        cpu.start();
        int touched = runPass();
        cpu.stop();
        return touched;
    }

    private int runPass() {
        for (long jobId : jobIds) {
            scheduler.jobNow(jobId);
        }
        return buildsTouched.get();
    }

    @TearDown(Level.Trial)
    public void close() {
        scheduler.close();
    }

    /** Time stands still: the steady-state pass creates no builds and schedules nothing. */
    private static final class FixedClock implements EngineClock {
        private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public Instant now() {
            return NOW;
        }

        @Override
        public Scheduled schedule(Duration delay, Runnable task) {
            throw new UnsupportedOperationException("a steady-state scheduling pass schedules nothing");
        }
    }
}
