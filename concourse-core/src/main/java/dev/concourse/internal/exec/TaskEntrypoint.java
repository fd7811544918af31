package dev.concourse.internal.exec;

import dev.concourse.config.TaskConfig;
import dev.concourse.spi.runtime.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a task executes: {@code run} of its config, or, when that has no path, the image's OCI
 * {@code entrypoint}/{@code cmd} from the image's {@code metadata.json} with the config's args
 * after them ({@code atc/exec/task_step.go getOciEntrypoint}).
 */
final class TaskEntrypoint {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MAX_METADATA_BYTES = 1024 * 1024;

    private TaskEntrypoint() {
    }

    static TaskConfig.TaskRunConfig command(TaskConfig config, Volume imageArtifact, String taskName) {
        TaskConfig.TaskRunConfig run = config.run() != null
                ? config.run()
                : new TaskConfig.TaskRunConfig(null, List.of(), null, null);
        if (run.path() != null && !run.path().isEmpty()) {
            return run;
        }
        if (imageArtifact != null) {
            List<String> fromImage = imageCommand(imageArtifact, taskName);
            if (!fromImage.isEmpty() && !fromImage.get(0).isEmpty()) {
                List<String> args = new ArrayList<>(fromImage.subList(1, fromImage.size()));
                args.addAll(run.args());
                return new TaskConfig.TaskRunConfig(fromImage.get(0), args, run.dir(), run.user());
            }
        }
        throw new StepFailure("No executable defined for task '" + taskName + "'. Specify an executable to run in "
                + "either the task config (run.path) or as an ENTRYPOINT/CMD in the container image.");
    }

    /** The image's entrypoint followed by its cmd (or the cmd alone), empty when it has neither. */
    private static List<String> imageCommand(Volume image, String taskName) {
        Optional<byte[]> metadata = ArtifactFiles.read(image, "metadata.json", MAX_METADATA_BYTES);
        if (metadata.isEmpty()) {
            throw new StepFailure("file 'metadata.json' not found in the image artifact of task '" + taskName
                    + "'; an image artifact needs rootfs/ and metadata.json, as registry-image produces them");
        }
        JsonNode root;
        try {
            root = JSON.readTree(metadata.get());
        } catch (JacksonException e) {
            throw new StepFailure("error parsing metadata.json from rootfs of task '" + taskName + "': "
                    + e.getOriginalMessage(), e);
        }
        List<String> entrypoint = strings(root.get("entrypoint"));
        List<String> cmd = strings(root.get("cmd"));
        List<String> command = new ArrayList<>();
        if (!entrypoint.isEmpty() && !entrypoint.get(0).isEmpty()) {
            command.addAll(entrypoint);
            command.addAll(cmd);
        } else {
            command.addAll(cmd);
        }
        return command;
    }

    private static List<String> strings(JsonNode node) {
        List<String> values = new ArrayList<>();
        if (node != null && node.isArray()) {
            for (JsonNode element : node) {
                values.add(element.asString());
            }
        }
        return values;
    }
}
