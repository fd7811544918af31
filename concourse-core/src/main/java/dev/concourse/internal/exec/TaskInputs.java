package dev.concourse.internal.exec;

import dev.concourse.config.TaskConfig;
import dev.concourse.config.TaskStep;
import dev.concourse.spi.runtime.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A task's inputs found among the build's artifacts ({@code atc/exec/task_step.go}
 * {@code containerInputs}): each input under its {@code input_mapping} name; optional inputs may
 * be missing; all missing required inputs are reported together.
 */
final class TaskInputs {

    /**
     * An input that is there.
     *
     * @param config      the task's input
     * @param artifact    the artifact's volume
     * @param destination where it goes in the container
     */
    record Input(TaskConfig.TaskInputConfig config, Volume artifact, String destination) {
    }

    private TaskInputs() {
    }

    static List<Input> resolve(RunContext run, TaskStep step, TaskConfig config, String workingDir) {
        List<Input> found = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (TaskConfig.TaskInputConfig input : config.inputs()) {
            String artifactName = step.inputMapping().getOrDefault(input.name(), input.name());
            Optional<Volume> artifact = run.artifacts.find(artifactName);
            if (artifact.isEmpty()) {
                if (!input.optional()) {
                    missing.add(artifactName);
                }
                continue;
            }
            found.add(new Input(input, artifact.get(), TaskPaths.artifactPath(workingDir, input.name(), input.path())));
        }
        if (!missing.isEmpty()) {
            throw new StepFailure("missing inputs: " + String.join(", ", missing) + "; task '" + step.name()
                    + "' needs them as artifacts of the build: add get steps or task outputs with these names "
                    + "before it, map its inputs to other artifacts with input_mapping, or mark them optional");
        }
        return List.copyOf(found);
    }
}
