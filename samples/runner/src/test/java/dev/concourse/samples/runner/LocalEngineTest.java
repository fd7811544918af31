package dev.concourse.samples.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.Build;
import dev.concourse.BuildStatus;
import dev.concourse.PipelineRef;
import dev.concourse.vars.StaticVariables;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalEngineTest {

    @TempDir
    Path tmp;

    @Test
    void runsBuildsInATemporaryDirectoryThatCloseDeletesEvenWhenTasksLeaveReadOnlyFiles() throws Exception {
        StringWriter err = new StringWriter();
        Path work;
        try (LocalEngine local = LocalEngine.start(tmp, new PrintWriter(err))) {
            work = local.workDirectory();
            assertThat(work.getParent()).isEqualTo(tmp);
            assertThat(work.getFileName().toString()).startsWith("concourse-runner-");
            PipelineRef ref = PipelineRef.main("p");
            local.engine().pipelines().set(ref, """
                    jobs:
                    - name: j
                      plan:
                      - task: leave-read-only-things
                        config:
                          platform: linux
                          outputs: [{name: out}]
                          run: {path: sh, args: [-c, "mkdir out/locked && echo x > out/locked/f && chmod 500 out/locked"]}
                    """, StaticVariables.empty());
            Build build = local.engine().jobs().trigger(ref.job("j"));
            assertThat(local.engine().builds().await(build.id(), Duration.ofSeconds(60)).status())
                    .isEqualTo(BuildStatus.SUCCEEDED);
        }

        assertThat(err.toString()).isEmpty();
        assertThat(work).doesNotExist();
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left).isEmpty();
        }
    }
}
