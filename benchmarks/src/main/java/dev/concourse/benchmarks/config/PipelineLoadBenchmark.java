package dev.concourse.benchmarks.config;

import dev.concourse.config.LoadResult;
import dev.concourse.config.PipelineConfig;
import dev.concourse.config.PipelineGenerator;
import dev.concourse.config.PipelineLoader;
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
 * Parsing and validating a generated pipeline of {@code jobs} jobs and as many resources through
 * the public {@link PipelineLoader} (what {@code fly validate-pipeline} and
 * {@code engine.pipelines().set} do first). {@code chain} is the length of the {@code passed}
 * chains: 10 is a realistic component, {@code jobs} is the worst case for the cycle check.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PipelineLoadBenchmark {

    @Param({"1000"})
    public int jobs;

    @Param({"10", "1000"})
    public int chain;

    private String yaml;
    private PipelineLoader loader;

    @Setup(Level.Trial)
    public void generate() {
        yaml = PipelineGenerator.generate(jobs, chain);
        loader = PipelineLoader.create();
        LoadResult<PipelineConfig> result = loader.load("generated.yml", yaml);
        if (!result.findings().isEmpty() || result.orThrow().jobs().size() != jobs) {
            throw new IllegalStateException("the generated pipeline is not clean: " + result.findings());
        }
    }

    @Benchmark
    public PipelineConfig loadAndValidate() {
        return loader.load("generated.yml", yaml).orThrow();
    }
}
