package dev.concourse.internal.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.BuildStatus;
import dev.concourse.event.BuildEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParallelTest {
    @TempDir
    Path base;
    ExecHarness harness;

    @BeforeEach
    void setUp() {
        harness = new ExecHarness(base);
    }

    @AfterEach
    void tearDown() {
        harness.close();
    }

    @Test
    void limitCapsHowManyStepsRunAtOnce() {
        ExecHarness.Build limited = harness.runJob(Jobs.plan(parallel(4, "limit: 2", base.resolve("limited"), 2)));
        ExecHarness.Build unlimited = harness.runJob(Jobs.plan(parallel(4, "", base.resolve("unlimited"), 4)));

        assertThat(limited.status).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(maxRunning(limited)).isEqualTo(2);
        assertThat(unlimited.status).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(maxRunning(unlimited)).isEqualTo(4);
    }

    @Test
    void failFastCancelsTheOtherStepsAndTheBuildFails() {
        Instant start = harness.clock.now();
        ExecHarness.Build build = harness.runJob(Jobs.plan("""
                - in_parallel:
                    fail_fast: true
                    steps:
                    - task: slow
                      config: {platform: linux, run: {path: sh, args: [-c, 'touch %1$s; exec sleep 30']}}
                    - task: fails
                      config:
                        platform: linux
                        run: {path: sh, args: [-c, 'while [ ! -e %1$s ]; do sleep 0.05; done; exit 1']}
                """.formatted(base.resolve("slow-started"))));

        assertThat(build.status).isEqualTo(BuildStatus.FAILED);
        assertThat(Duration.between(start, harness.clock.now())).isLessThan(Duration.ofSeconds(20));
        assertThat(build.events.typesOf(build.id("slow"))).endsWith("error");
        assertThat(build.events.errors()).containsExactly("interrupted");
    }

    @Test
    void withoutFailFastEveryStepRunsToItsEnd() {
        ExecHarness.Build build = harness.runJob(Jobs.plan("""
                - in_parallel:
                  - task: fails
                    config: {platform: linux, run: {path: "false"}}
                  - task: finishes
                    config: {platform: linux, run: {path: sh, args: [-c, 'sleep 0.3; echo done']}}
                """));

        assertThat(build.status).isEqualTo(BuildStatus.FAILED);
        assertThat(build.events.stdout()).isEqualTo("done\n");
    }

    @Test
    void anErroredBranchErrorsTheWholeOnceTheOthersAreDone() {
        ExecHarness.Build build = harness.runJob(Jobs.plan("""
                - in_parallel:
                  - task: errors
                    config: {platform: linux, inputs: [{name: missing}], run: {path: "true"}}
                  - task: fails
                    config: {platform: linux, run: {path: "false"}}
                  - task: finishes
                    config: {platform: linux, run: {path: sh, args: [-c, 'sleep 0.3; echo done']}}
                """));

        assertThat(build.status).isEqualTo(BuildStatus.ERRORED);
        assertThat(build.events.stdout()).isEqualTo("done\n");
    }

    /**
     * {@code steps} tasks that each check in at {@code meeting} (a host directory: local processes
     * share the file system) and wait, up to 10 s, until {@code quorum} have, so that they
     * overlap for sure.
     */
    private static String parallel(int steps, String limit, Path meeting, int quorum) {
        String wait = ("mkdir -p %1$s; touch %1$s/$$; "
                + "for i in $(seq 200); do [ $(ls %1$s | wc -l) -ge %2$d ] && exit 0; sleep 0.05; done; exit 1")
                .formatted(meeting, quorum);
        StringBuilder yaml = new StringBuilder("- in_parallel:\n");
        if (!limit.isEmpty()) {
            yaml.append("    ").append(limit).append('\n');
        }
        yaml.append("    steps:\n");
        for (int i = 0; i < steps; i++) {
            yaml.append("""
                        - task: t%d
                          config: {platform: linux, run: {path: sh, args: [-c, '%s']}}
                    """.formatted(i, wait));
        }
        return yaml.toString();
    }

    /** The most tasks that were between start-task and finish-task at the same time. */
    private static int maxRunning(ExecHarness.Build build) {
        int running = 0;
        int max = 0;
        for (BuildEvent event : build.events.events()) {
            if (event instanceof BuildEvent.StartTask) {
                max = Math.max(max, ++running);
            } else if (event instanceof BuildEvent.FinishTask) {
                running--;
            }
        }
        return max;
    }
}
