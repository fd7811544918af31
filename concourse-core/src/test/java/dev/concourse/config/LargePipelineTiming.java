package dev.concourse.config;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Measures how long loading and validating a generated 1,000-job, 1,000-resource pipeline takes.
 * Not a test: run it with the test class path, e.g.
 *
 * <pre>{@code
 * ./mvnw -B -q -o -pl concourse-core test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp concourse-core/target/classes:concourse-core/target/test-classes:$(cat /tmp/cp.txt) \
 *     dev.concourse.config.LargePipelineTiming [jobs] [iterations] [jobs per passed chain]
 * }</pre>
 */
public final class LargePipelineTiming {
    private static final int WARM_UP = 10;

    private LargePipelineTiming() {
    }

    public static void main(String[] args) {
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int chain = args.length > 2 ? Integer.parseInt(args[2]) : PipelineGenerator.DEFAULT_CHAIN;

        long generateStart = System.nanoTime();
        String yaml = PipelineGenerator.generate(jobs, chain);
        double generateMs = (System.nanoTime() - generateStart) / 1e6;
        int bytes = yaml.getBytes(StandardCharsets.UTF_8).length;
        System.out.printf(Locale.ROOT, "pipeline: %d jobs, %d resources, passed chains of %d jobs, %,d bytes"
                + " (%.1f KiB), %,d lines; generated in %.1f ms%n", jobs, jobs, chain, bytes, bytes / 1024.0,
                yaml.lines().count(), generateMs);

        PipelineLoader loader = PipelineLoader.create();
        for (int i = 0; i < WARM_UP; i++) {
            check(loader.load("large.yml", yaml));
        }

        double total = 0;
        double min = Double.MAX_VALUE;
        double max = 0;
        for (int i = 0; i < iterations; i++) {
            long start = System.nanoTime();
            LoadResult<PipelineConfig> result = loader.load("large.yml", yaml);
            double ms = (System.nanoTime() - start) / 1e6;
            check(result);
            total += ms;
            min = Math.min(min, ms);
            max = Math.max(max, ms);
        }
        System.out.printf(Locale.ROOT, "load+validate over %d iterations (after %d warm-up): mean %.1f ms,"
                + " min %.1f ms, max %.1f ms%n", iterations, WARM_UP, total / iterations, min, max);

        PipelineConfig config = loader.load("large.yml", yaml).orThrow();
        long jsonStart = System.nanoTime();
        String json = ConfigJson.toJson(config);
        double toJsonMs = (System.nanoTime() - jsonStart) / 1e6;
        System.out.printf(Locale.ROOT, "toJson: %.1f ms, %,d bytes%n", toJsonMs, json.length());
    }

    private static void check(LoadResult<PipelineConfig> result) {
        if (!result.findings().isEmpty()) {
            throw new IllegalStateException("the generated pipeline is not clean: " + result.findings());
        }
    }
}
