package dev.concourse.internal.config.validate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.config.TaskConfig;
import dev.concourse.config.TaskConfig.TaskCacheConfig;
import dev.concourse.config.TaskConfig.TaskInputConfig;
import dev.concourse.config.TaskConfig.TaskOutputConfig;
import dev.concourse.config.TaskConfig.TaskRunConfig;
import dev.concourse.internal.config.SourceIndex;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskConfigValidatorTest {

    private static List<String> validate(TaskConfig config, String prefix) {
        return Fixtures.render(TaskConfigValidator.validate(config, SourceIndex.empty("task.yml"), prefix));
    }

    private static TaskConfig config(String platform, TaskRunConfig run, List<TaskInputConfig> inputs,
            List<TaskOutputConfig> outputs, List<TaskCacheConfig> caches) {
        return new TaskConfig(platform, null, null, null, Map.of(), run, inputs, outputs, caches);
    }

    @Test
    void validConfig() {
        assertThat(validate(Fixtures.taskConfig(), "")).isEmpty();
    }

    @Test
    void everyProblemInConcoursesOrder() {
        TaskConfig config = config(null, null,
                List.of(new TaskInputConfig("src", null, false), new TaskInputConfig(null, "x", false)),
                List.of(new TaskOutputConfig("", "out")), List.of());

        assertThat(validate(config, "jobs.j.plan.do[0].task(t).config")).containsExactly(
                "error invalid_task_config jobs.j.plan.do[0].task(t).config: missing 'platform'",
                "error invalid_task_config jobs.j.plan.do[0].task(t).config: missing path to executable to run",
                "error invalid_task_config jobs.j.plan.do[0].task(t).config: input in position 1 is missing a name",
                "error invalid_task_config jobs.j.plan.do[0].task(t).config: output in position 0 is missing a name");
    }

    @Test
    void standaloneTaskFileFindingsHaveNoPath() {
        assertThat(validate(config("linux", new TaskRunConfig("", List.of(), null, null), List.of(), List.of(),
                List.of()), "")).containsExactly("error invalid_task_config missing path to executable to run");
    }

    @Test
    void cacheTtlMustBeADurationOfAtLeastOneSecond() {
        TaskConfig config = config("linux", Fixtures.run("make"), List.of(), List.of(), List.of(
                new TaskCacheConfig("a", "1h"),
                new TaskCacheConfig("b", "1 day"),
                new TaskCacheConfig("c", "500ms"),
                new TaskCacheConfig("d", null)));

        assertThat(validate(config, "")).containsExactly(
                "error invalid_duration invalid cache ttl '1 day': time: unknown unit \" day\" in duration \"1 day\"",
                "error invalid_duration cache ttl must be at least 1s, got '500ms'");
    }
}
