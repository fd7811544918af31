package dev.concourse.benchmarks.testkit;

import dev.concourse.BuildStatus;
import dev.concourse.testkit.PipelineHarness;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * A pipeline unit test with {@code concourse-test-kit}, whole: a new {@link PipelineHarness} (its
 * own engine) for a 20-job pipeline chained by one resource, two versions through the chain and
 * ten manual triggers (50 builds, every task mocked), then closing it. Target (issue 7): under
 * 200 ms after warm-up.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PipelineTestBenchmark {
    static final int JOBS = 20;

    private Path directory;
    private Path pipeline;

    @Setup(Level.Trial)
    public void writePipeline() throws IOException {
        directory = Files.createTempDirectory("pipeline-test-benchmark-");
        pipeline = directory.resolve("twenty-jobs.yml");
        Files.writeString(pipeline, twentyJobs());
        long succeeded = fiftyBuilds();
        if (succeeded != 50) {
            throw new IllegalStateException("expected 50 successful builds, got " + succeeded);
        }
    }

    @TearDown(Level.Trial)
    public void deletePipeline() {
        try {
            Files.deleteIfExists(pipeline);
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Benchmark
    public long fiftyBuilds() {
        try (PipelineHarness ci = PipelineHarness.builder(pipeline).build()) {
            for (int i = 1; i <= JOBS; i++) {
                ci.task("step-%02d".formatted(i)).returns(0);
            }
            ci.resource("repo").emit("ref", "v1");
            ci.runUntilIdle();
            ci.resource("repo").emit("ref", "v2");
            ci.runUntilIdle();
            for (int i = 1; i <= 10; i++) {
                ci.job("job-%02d".formatted(i)).trigger();
            }
            ci.runUntilIdle();
            return ci.engine().builds().list(100).stream().filter(b -> b.status() == BuildStatus.SUCCEEDED).count();
        }
    }

    static String twentyJobs() {
        StringBuilder yaml = new StringBuilder("""
                resources:
                - name: repo
                  type: git
                  source: {uri: https://example.com/app.git}
                jobs:
                """);
        for (int i = 1; i <= JOBS; i++) {
            yaml.append("- name: job-%02d\n  plan:\n  - get: repo\n    trigger: true\n".formatted(i));
            if (i > 1) {
                yaml.append("    passed: [job-%02d]\n".formatted(i - 1));
            }
            yaml.append("""
                      - task: step-%02d
                        config:
                          platform: linux
                          inputs: [{name: repo}]
                          run: {path: make, args: [stage-%d]}
                    """.formatted(i, i));
        }
        return yaml.toString();
    }
}
