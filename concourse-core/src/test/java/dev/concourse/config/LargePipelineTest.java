package dev.concourse.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A pipeline of 1,000 jobs and 1,000 resources loads and validates without errors in reasonable
 * time. The timeout is a generous guard against accidental quadratic (or worse) behaviour; the real
 * figure comes from {@link LargePipelineTiming}.
 */
class LargePipelineTest {

    @Test
    void generatorIsDeterministicAndSmallPipelinesAreValid() {
        assertThat(PipelineGenerator.generate(25)).isEqualTo(PipelineGenerator.generate(25));
        for (int jobs : new int[] {1, 2, 3, 7, 101}) {
            LoadResult<PipelineConfig> result = PipelineLoader.create().load("gen-" + jobs + ".yml",
                    PipelineGenerator.generate(jobs, 4));
            assertThat(result.findings()).as("%d jobs", jobs).isEmpty();
            assertThat(result.orThrow().jobs()).hasSize(jobs);
            assertThat(result.orThrow().resources()).hasSize(jobs);
        }
    }

    @Test
    void thousandJobPipelineLoadsAndValidates() {
        String yaml = PipelineGenerator.generate(1_000);

        LoadResult<PipelineConfig> result = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> PipelineLoader.create().load("large.yml", yaml));

        assertThat(result.findings()).isEmpty();
        PipelineConfig config = result.orThrow();
        assertThat(config.jobs()).hasSize(1_000);
        assertThat(config.resources()).hasSize(1_000);
        assertThat(config.groups()).hasSize(10);
        JobConfig last = config.job(PipelineGenerator.jobName(999)).orElseThrow();
        InParallelStep inputs = (InParallelStep) last.plan().get(0);
        assertThat(inputs.steps()).hasSize(2);
        assertThat(((GetStep) inputs.steps().get(1)).passed()).containsExactly(PipelineGenerator.jobName(998));
    }

    @Test
    void longPassedChainValidatesInReasonableTime() {
        // One chain through every job is the worst case for walking passed constraints: cycle
        // detection done as Concourse does it (a fresh walk from each job) is cubic here, and took
        // minutes for 1,000 jobs before the validator remembered jobs already known to be acyclic.
        String yaml = PipelineGenerator.generate(1_000, 1_000);

        LoadResult<PipelineConfig> result = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> PipelineLoader.create().load("chain.yml", yaml));

        assertThat(result.findings()).isEmpty();
        GetStep upstream = (GetStep) ((InParallelStep) result.orThrow().jobs().get(999).plan().get(0)).steps().get(1);
        assertThat(upstream.passed()).containsExactly(PipelineGenerator.jobName(998));
    }

    @Test
    void thousandJobPipelineSurvivesJson() {
        PipelineConfig config = PipelineLoader.create().load("large.yml", PipelineGenerator.generate(1_000)).orThrow();

        PipelineConfig back = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> ConfigJson.pipelineFromJson(ConfigJson.toJson(config)));

        assertThat(back).isEqualTo(config);
    }
}
