package dev.concourse.internal.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.config.ContainerLimits;
import dev.concourse.config.TaskConfig;
import dev.concourse.config.TaskStep;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskConfigResolverTest {

    @Test
    void stepLimitsOverrideTheConfigsFieldByFieldAndStepParamsWin() {
        TaskConfig config = new TaskConfig("linux", null, null, new ContainerLimits(100L, 1024L),
                Map.of("A", "config", "B", "config"), new TaskConfig.TaskRunConfig("true", List.of(), null, null),
                List.of(), List.of(), List.of());
        TaskStep step = new TaskStep("t", false, false, null, new ContainerLimits(null, 2048L), config,
                Map.of("B", "step"), Map.of(), List.of(), Map.of(), Map.of(), null, null);

        TaskConfig resolved = TaskConfigResolver.resolve(null, step);

        assertThat(resolved.containerLimits()).isEqualTo(new ContainerLimits(100L, 2048L));
        assertThat(resolved.params()).containsExactlyInAnyOrderEntriesOf(Map.of("A", "config", "B", "step"));
    }

    @Test
    void containerLimitsOfTheStepApplyWhenTheConfigHasNone() {
        TaskConfig config = new TaskConfig("linux", null, null, null, Map.of(),
                new TaskConfig.TaskRunConfig("true", List.of(), null, null), List.of(), List.of(), List.of());
        TaskStep step = new TaskStep("t", false, false, null, new ContainerLimits(5L, null), config,
                Map.of(), Map.of(), List.of(), Map.of(), Map.of(), null, null);

        assertThat(TaskConfigResolver.resolve(null, step).containerLimits()).isEqualTo(new ContainerLimits(5L, null));
    }

    @Test
    void pathsAreResolvedAsConcourseResolvesThem() {
        assertThat(TaskPaths.artifactPath("/tmp/build/abc", "repo", null)).isEqualTo("/tmp/build/abc/repo");
        assertThat(TaskPaths.artifactPath("/tmp/build/abc", "repo", "src/repo/")).isEqualTo("/tmp/build/abc/src/repo");
        assertThat(TaskPaths.artifactPath("/tmp/build/abc", "repo", "../../etc")).isEqualTo("/tmp/build/abc/etc");
        assertThat(TaskPaths.artifactPath("/tmp/build/abc", "repo", "/abs/path")).isEqualTo("/abs/path");
        assertThat(TaskPaths.resolve("/tmp/build/abc", null)).isEqualTo("/tmp/build/abc");
    }
}
