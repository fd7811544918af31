package dev.concourse;

import dev.concourse.config.TaskConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * A task to run once, like {@code fly execute}.
 *
 * @param team       the team that owns the build
 * @param taskName   the step's name in events and logs
 * @param config     the task config (already interpolated)
 * @param inputs     task input name to a directory on this machine, uploaded before the task runs
 * @param outputs    task output name to a directory on this machine, filled when the task succeeded
 * @param privileged run privileged
 */
public record OneOffBuild(String team, String taskName, TaskConfig config, Map<String, Path> inputs,
        Map<String, Path> outputs, boolean privileged) {
    public OneOffBuild {
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(taskName, "taskName");
        Objects.requireNonNull(config, "config");
        inputs = inputs == null ? Map.of() : Map.copyOf(inputs);
        outputs = outputs == null ? Map.of() : Map.copyOf(outputs);
    }

    /** A task of the main team without outputs. */
    public static OneOffBuild of(TaskConfig config, Map<String, Path> inputs) {
        return new OneOffBuild(Team.MAIN, "one-off", config, inputs, Map.of(), false);
    }

}
