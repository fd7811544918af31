package dev.concourse.internal.exec;

import dev.concourse.config.TaskConfig;
import dev.concourse.spi.runtime.Volume;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a task executes: {@code run} of its config, or, when that has no path, the image's OCI
 * {@code entrypoint}/{@code cmd} from the image's {@code metadata.json} with the config's args
 * after them ({@code atc/exec/task_step.go getOciEntrypoint}). The same file gives the task's
 * environment and user ({@link Image}), as Concourse's workers apply them to the container.
 */
final class TaskEntrypoint {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MAX_METADATA_BYTES = 1024 * 1024;

    private TaskEntrypoint() {
    }

    /**
     * What an image volume's {@code metadata.json} says; {@link #NONE} for a task without an image
     * volume.
     *
     * @param present whether the image has a {@code metadata.json}
     * @param env     its {@code env} ({@code NAME=value}), in order
     * @param user    its {@code user}, or empty
     * @param command its entrypoint followed by its cmd (or the cmd alone), empty when it has neither
     */
    record Image(boolean present, Map<String, String> env, String user, List<String> command) {
        static final Image NONE = new Image(false, Map.of(), "", List.of());
    }

    /**
     * Reads the image volume's {@code metadata.json}. A missing one is tolerated here (the task may
     * not need it); a malformed one is an error.
     *
     * @param image an image volume, or null
     */
    static Image image(Volume image, String taskName) {
        if (image == null) {
            return Image.NONE;
        }
        Optional<byte[]> metadata = ArtifactFiles.read(image, "metadata.json", MAX_METADATA_BYTES);
        if (metadata.isEmpty()) {
            return Image.NONE;
        }
        JsonNode root;
        try {
            root = JSON.readTree(metadata.get());
        } catch (JacksonException e) {
            throw new StepFailure("error parsing metadata.json from rootfs of task '" + taskName + "': "
                    + e.getOriginalMessage(), e);
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (String entry : strings(root.get("env"))) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        JsonNode user = root.get("user");
        List<String> entrypoint = strings(root.get("entrypoint"));
        List<String> cmd = strings(root.get("cmd"));
        List<String> command = new ArrayList<>();
        if (!entrypoint.isEmpty() && !entrypoint.get(0).isEmpty()) {
            command.addAll(entrypoint);
        }
        command.addAll(cmd);
        return new Image(true, Collections.unmodifiableMap(env), user != null && user.isString() ? user.asString() : "",
                List.copyOf(command));
    }

    /**
     * The command to run, with the image's user when {@code run.user} is empty.
     *
     * @param image what {@link #image} read from the task's image volume
     * @param hasImage whether the task has an image volume (an {@code image:} artifact or a fetched
     *                 {@code image_resource})
     */
    static TaskConfig.TaskRunConfig command(TaskConfig config, Image image, boolean hasImage, String taskName) {
        TaskConfig.TaskRunConfig run = config.run() != null
                ? config.run()
                : new TaskConfig.TaskRunConfig(null, List.of(), null, null);
        String user = run.user() != null && !run.user().isEmpty() ? run.user()
                : image.user().isEmpty() ? run.user() : image.user();
        if (run.path() != null && !run.path().isEmpty()) {
            return new TaskConfig.TaskRunConfig(run.path(), run.args(), run.dir(), user);
        }
        if (hasImage) {
            if (!image.present()) {
                throw new StepFailure("file 'metadata.json' not found in the image of task '" + taskName
                        + "'; an image needs rootfs/ and metadata.json, as registry-image produces them");
            }
            List<String> fromImage = image.command();
            if (!fromImage.isEmpty() && !fromImage.get(0).isEmpty()) {
                List<String> args = new ArrayList<>(fromImage.subList(1, fromImage.size()));
                args.addAll(run.args());
                return new TaskConfig.TaskRunConfig(fromImage.get(0), args, run.dir(), user);
            }
        }
        throw new StepFailure("No executable defined for task '" + taskName + "'. Specify an executable to run in "
                + "either the task config (run.path) or as an ENTRYPOINT/CMD in the container image.");
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
